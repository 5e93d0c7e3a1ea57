"""gunicorn settings read from this directory: `gunicorn 'app:create_app()'` picks them up (README "Production").

The app is built once in the master (``preload_app``) and the workers are forked from it, so they
share the loaded schemas, compiled forms and back-office views instead of building their own copies
(start-up once, not once per worker, and less memory per worker). The master opens no database
connection that a worker could inherit (db.forget_inherited_connections runs in every forked child).
Before each fork the collector's survivors are frozen, so the child's first collections neither walk
nor write to the shared objects (which would copy their pages).
"""

import gc

preload_app = True


def pre_fork(server, worker):
    """Freeze what the master built, so forked workers keep sharing its memory pages."""
    gc.freeze()
