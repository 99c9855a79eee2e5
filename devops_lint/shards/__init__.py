"""Shards: one scan shared between CI jobs, merged into one report.

``devops-lint --shard I/N`` and ``devops-lint merge SHARD...`` (``docs/ci-integration.md``).

Every shard reads and parses the whole tree, because rules read project-wide indexes
(namespaces, service accounts, workflow callers, the module graph …): a finding is a
function of the whole project, not of one file. What a shard shares out is the rule
evaluation: shard ``I`` evaluates the targets of the files it owns (``units``: a stable
hash of the file's unit; a Terraform directory and a Helm chart are one unit each, so
findings that fold into each other stay in one shard), applies suppressions to its
findings, and writes them with the documents' formats, its files' reading and parsing
findings and the suppressions its findings used (``file``).

``merge`` runs in the same checkout and parses nothing: it checks that every shard was
made from this input (same files, configuration, rules, version and day), rebuilds the
documents reporters read from the shards and the files' texts, adds the findings, leaves
out an unused-suppression finding when another shard used that suppression, and reports
like ``check``. The merged report equals a single run's exactly (``tests/shards``).
"""
