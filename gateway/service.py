"""The gateway: the one HTTP entry to Alliance Network (stateless)."""
# Registers the services' exceptions so they arrive as themselves, not RemoteError.
import services.courses.exceptions  # noqa: F401,E402
import services.membership.exceptions  # noqa: F401,E402
from gateway.clients import ServiceClients
from gateway.routes.auth import AuthRoutes
from gateway.routes.courses import CoursesRoutes
from gateway.routes.membership import MembershipRoutes
from gateway.routes.operations import OperationsRoutes


class GatewayService(AuthRoutes, MembershipRoutes, CoursesRoutes, OperationsRoutes):
    name = "gateway"

    rpc = ServiceClients()
