"""Cross-file consistency controls (standards section 9, X-003 … X-010).

Each control relates two sides of the scanned set (a Prometheus config and its rule
files, scrape annotations and scrape jobs, alerts and Alertmanager routes, Kubernetes
references and definitions, workflows and the files or trust policies they rely on).
Targets (``targets.py``) are per object, so a finding lands in the file of the object
it is about and suppressions on that object apply; the relations are answered by
run-wide views built once (``k8s.py``, ``prom.py``, ``alertmanager.py``).

Conventions every check follows:

- Three-valued answers: a relation that rests on a placeholder (Helm value, ``${{ }}``
  expression, unmapped path) is ``unresolved``, never a failure (standards 0.6 item 3).
- Missing side: when the side a control needs is absent from the scan altogether, the
  control reports one ``info`` finding at line 1 of the first file of the present side
  and nothing else (``common.missing_side``); checks that need only one file still run.
"""
