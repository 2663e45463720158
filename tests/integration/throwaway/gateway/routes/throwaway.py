from gateway.http import Call, route


class ThrowawayRoutes:
    @route("POST", "/api/v1/throwaway-notes", "Add a note", "Throwaway")
    def add_note(self, call: Call) -> dict:
        return self.rpc.throwaway.add_note(call.caller)
