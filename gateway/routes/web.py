"""The web app at ``/``: its page and static assets (the app itself calls /api/v1 like any client)."""
from werkzeug.wrappers import Response

from gateway import web_app
from gateway.http import Call, route
from gateway.responses import problem
from services.chassis.errors import NotFound

TAG = "Web app"


class WebRoutes:
    @route("GET", "/", "The web app for school, alliance and regional staff", TAG, public=True)
    def web_page(self, call: Call) -> Response:
        page = web_app.BUILD.index()
        if page is None:
            return problem(503, "Web app not built", f"run `make web`: there is no {web_app.DIST}/index.html")
        return Response(page, mimetype="text/html",
                        headers={"Content-Security-Policy": web_app.PAGE_POLICY, "Cache-Control": web_app.PAGE_CACHE})

    @route("GET", "/assets/{name}", "A script, style sheet or image of the web app (cached for a year)",
           TAG, public=True)
    def web_asset(self, call: Call, name: str) -> Response:
        found = web_app.BUILD.asset(name)
        if found is None:
            raise NotFound("no such asset")
        return Response(found.body, content_type=found.content_type,
                        headers={"Cache-Control": web_app.ASSET_CACHE})
