from services.chassis.database import Database
from services.chassis.entrypoints import rpc
from services.chassis.operations import ServiceOperations
from services.chassis.request_pipeline import act
from services.throwaway.exceptions import NoteExists


def refuse(tx, caller):
    raise NoteExists("always")


class ThrowawayService(ServiceOperations):
    name = "throwaway"

    db = Database()

    @rpc
    def add_note(self, scope):
        return act(self.db, scope, refuse)
