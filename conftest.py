# nameko 2.14's pytest plugin no longer monkey-patches: do it before any test
# module imports kombu, psycopg2 or socket users.
import eventlet

eventlet.monkey_patch()
