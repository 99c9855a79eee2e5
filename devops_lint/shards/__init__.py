"""Shards: one scan shared between CI jobs, merged into one report.

``devops-lint --shard I/N`` and ``devops-lint merge SHARD...`` (``docs/ci-integration.md``).

Every shard reads and parses the whole tree, because rules read project-wide indexes
(namespaces, service accounts, workflow callers, the module graph …): a finding is a
function of the whole project, not of one file. What a shard shares out is the rule
evaluation, the larger part of a run: shard ``I`` evaluates the targets of the files it
owns (``units``: a stable hash of the file's unit; a Terraform directory and a Helm chart
are one unit each, so findings that fold into each other stay in one shard) and writes
their findings, the evaluated counts and the parse facts of its files.

``merge`` runs in the same checkout: it checks that every shard was made from this input
(same files, configuration, rules and version), takes each file's documents from the
shards' parse facts (parsing only what no shard could store), adds the shards' findings,
then applies suppressions and writes any report format. The merged report equals a
single run's exactly (``tests/shards``).
"""
