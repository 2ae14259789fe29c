"""This app's API endpoints, registered on the one router in sso/api/urls.py."""


def register(router):
    pass
