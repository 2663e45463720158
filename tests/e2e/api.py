"""A small HTTP client for the gateway, as a script or another system would use it."""
from typing import Any

import requests
from requests.adapters import HTTPAdapter


class SourceAddress(HTTPAdapter):
    """Connect from a given local address (any of 127.0.0.0/8 reaches a local gateway)."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, source_address=(self.address, 0), **kwargs)


class Api:
    def __init__(self, base_url: str, token: str | None = None, source: str | None = None) -> None:
        self.base_url = base_url
        self.token = token
        self.source = source
        self.session = requests.Session()
        if source:
            self.session.mount("http://", SourceAddress(source))

    def from_address(self, source: str) -> "Api":
        """The same caller, connecting from another client address."""
        return Api(self.base_url, self.token, source)

    def request(self, method: str, path: str, body: Any = None, headers: dict | None = None,
                **kwargs: Any) -> requests.Response:
        sent = dict(headers or {})
        if self.token:
            sent.setdefault("Authorization", f"Bearer {self.token}")
        return self.session.request(method, self.base_url + path, json=body, headers=sent,
                                    timeout=30, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, body, **kwargs)

    def put(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.request("PUT", path, body, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.request("PATCH", path, body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    def login(self, email: str, password: str) -> "Api":
        answer = self.post("/api/v1/auth/token", {"email": email, "password": password})
        assert answer.status_code == 200, answer.text
        return Api(self.base_url, answer.json()["access_token"], self.source)

    def created(self, path: str, body: Any, **kwargs: Any) -> dict:
        answer = self.post(path, body, **kwargs)
        assert answer.status_code == 201, (path, answer.status_code, answer.text)
        return answer.json()


def school(urn: str, name: str, la: str = "Leicestershire", phase: str = "primary",
           trust: str | None = None) -> dict:
    body = {"urn": urn, "name": name, "local_authority": la, "phase": phase}
    if trust:
        body["trust"] = trust
    return body
