"""Terraform support: parsing, the module view, value resolution and the TF-* checks.

- ``parser``     — ``parse_file(path, text)``: ``.tf``/``.tf.json``/tfvars → ``Document``s
- ``hcl``, ``jsonsyntax`` — the two syntaxes → ``syntax.Body`` (the only parser-specific code)
- ``syntax``     — bodies, attributes and blocks; ``expr`` — the expression model
- ``resolve``    — static evaluation of expressions (standards 0.6 item 3)
- ``module``     — one directory's files resolved together; instances and joins
- ``policy``     — IAM policy documents in any form → one ``Policy`` model
- ``targets``    — the ``terraform.*`` target kinds
- ``checks_gen_*`` — TF-GEN-001 … TF-GEN-009 (``secrets``, ``state``, ``versions``, ``tags``,
  ``allow_lists``), their helpers in ``gen_common``; ``secrets_text`` — secrets in free text
"""
