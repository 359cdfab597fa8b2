"""Figures for leaders and the IT office: the statistics table and its cached dashboard, and
the portfolio recommendation for information systems."""
