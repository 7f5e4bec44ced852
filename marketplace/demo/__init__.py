"""The demo (`flask --app wsgi demo`): accounts, initiatives, gifts, impact, a foundation's
portfolio and impact reports, each made through the services a person's action goes through."""
