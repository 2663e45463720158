from services.chassis.errors import Conflict


class NoteExists(Conflict):
    title = "The note exists"
