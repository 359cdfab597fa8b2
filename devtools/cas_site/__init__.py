"""A Django site running django-cas-server: the real CAS server of the tests and of
`make run-cas`. It runs in its own virtual environment (.cas-venv, scripts/install-cas-server.sh),
never in the console's; devtools/casd.py starts and feeds it."""
