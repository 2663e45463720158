"""Signing in, the caller, and user accounts."""
from marshmallow import Schema, fields

from gateway.auth import issue_token
from gateway.client_address import client_address
from gateway.http import Call, route
from services.membership import schemas

TAG = "Auth and users"


class Token(Schema):
    access_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()


class Me(Schema):
    user = fields.Nested(schemas.User)
    scope = fields.Dict()


class AuthRoutes:
    @route("POST", "/api/v1/auth/token", "Exchange email and password for a bearer token", TAG,
           body=schemas.Credentials, response=Token, public=True, checks_credentials=True)
    def sign_in(self, call: Call) -> dict:
        return issue_token(self.rpc.membership.authenticate(call.body, client_address(call.request)))

    @route("GET", "/api/v1/me", "The caller's user and scope", TAG, response=Me)
    def me(self, call: Call) -> dict:
        return {"user": self.rpc.membership.get_me(call.caller), "scope": call.caller}

    @route("POST", "/api/v1/users", "Create a user within the caller's scope", TAG,
           body=schemas.UserCreate, response=schemas.User, status=201, idempotent=True)
    def create_user(self, call: Call) -> dict:
        return self.rpc.membership.create_user(call.caller, call.body, call.idempotency_key)

    @route("GET", "/api/v1/users", "Users the caller manages (platform admin: all; alliance admin: its alliance's "
           "staff and admins; school user: its school's users)", TAG,
           response=schemas.User, query=schemas.UserFilters, paginated=True)
    def list_users(self, call: Call) -> dict:
        return self.rpc.membership.list_users(call.caller, call.filters, call.page)

    @route("POST", "/api/v1/users/{user_id}/deactivate", "Deactivate a user the caller manages", TAG,
           response=schemas.User)
    def deactivate_user(self, call: Call, user_id: str) -> dict:
        return self.rpc.membership.deactivate_user(call.caller, user_id)
