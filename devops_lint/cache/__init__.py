"""The result cache: what a run can reuse from an earlier run of unchanged input.

- ``store``: the cache folder (versioned, atomic writes, pruned by age and size);
- ``keys``: fingerprints of everything a run's output depends on;
- ``facts``: one file's parse outcome (its documents) as JSON, per content hash;
- ``tfsyntax``: the Terraform syntax a document keeps, as JSON;
- ``findings``: a run's findings and counts as JSON;
- ``run``: the cached run itself.
"""
