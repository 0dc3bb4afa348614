"""The lifecycle's write side: one module per family of steps, one function per action.

Each action locks the case, checks with ``workflows.access``, applies the change, writes
the audit entry (``audit.recording``) in the same transaction, and queues its e-mail in
that transaction too (the mail queue in the database, ``notifications.mail``). A refusal is a named exception of
``workflows.refusals``; nothing is changed then. Views, the admin and commands call
these; none sets a state itself. Publication, repeal and document uploads are in
``documents.services``.

- ``start``: start a case (new document, revision, repeal)
- ``tasks``: complete, claim and release a task; the step handlers by step name
- ``drafting``, ``samverkan``, ``preparation``, ``decision``, ``registration``: the steps
- ``publication`` and ``schedule``: publishing (at once, or when the valid-from day comes)
- ``meetings``, ``records``, ``readers``: the registrar's desk
- ``engine``: what the flows call (task routing, conditions, automatic steps)
- ``base``: shared helpers (the step's context, file checks, deciders)

The modules are imported one by one (``from workflows.actions import tasks``); this
package imports none of them, so that ``workflows.flows`` can import ``engine`` while
``start`` imports the flows.
"""
