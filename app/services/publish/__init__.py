"""The three lists derived from approved versions, their signed numbered publications, public
comments, and the verification of printed sheets."""
