"""Development and test tooling (a throwaway OpenLDAP directory); not part of the app."""
