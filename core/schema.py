"""OpenAPI (drf-spectacular) descriptions of the project's own authentication class and serializer
fields, so that /api/schema/ says what clients send: a token header, unit and record ids as integers,
the concurrency version as a string. Loaded by CoreConfig.ready()."""
from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.auth.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "Token <key> (POST /api/auth/token/; expires when idle and absolutely)"}


class _IdField(OpenApiSerializerFieldExtension):
    """A primary-key field limited to the caller's scope: an integer id."""

    def map_serializer_field(self, auto_schema, direction):
        return build_basic_type(OpenApiTypes.INT)


class GovernanceScopedField(_IdField):
    target_class = "governance.api.Scoped"


class OrgScopedUnitField(_IdField):
    target_class = "org.api.common.ScopedUnitField"


class SupervisionTreeUnitField(_IdField):
    target_class = "supervision.api.common.TreeUnitField"


class VersionFieldSchema(OpenApiSerializerFieldExtension):
    target_class = "core.api.VersionField"

    def map_serializer_field(self, auto_schema, direction):
        return {"type": "string", "description": "the version as read (updated_at); a stale one is refused"}
