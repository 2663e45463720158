"""A bounded contract-fuzzing run (schemathesis) on a stack of its own, as every role."""
import pytest

from deploy.stack import Stack
from tests.contract_fuzz import fuzz_every_role, tokens_of_every_role
from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, stack_env

pytestmark = pytest.mark.e2e
EXAMPLES = 25
SEED = 20261124  # the same cases on every run, so CI is repeatable; make fuzz explores with new seeds


@pytest.fixture(scope="module")
def fuzz_stack(broker, postgres, tmp_path_factory):
    """Never the shared stack: the fuzzer cancels and ends whatever it can reach."""
    run_dir = tmp_path_factory.mktemp("fuzz-stack")
    running = Stack(stack_env(broker, postgres, "fuzz", run_dir / "mail"), run_dir=run_dir)
    running.up(timeout=120)
    yield running
    running.down()


def test_no_operation_breaks_its_contract_for_any_role(fuzz_stack, tmp_path):
    tokens = tokens_of_every_role(fuzz_stack.base_url, ADMIN_EMAIL, ADMIN_PASSWORD)
    failed = {role: code for role, code in
              fuzz_every_role(fuzz_stack.base_url, tokens, EXAMPLES, tmp_path, SEED).items() if code != 0}
    assert failed == {}, f"schemathesis found failures (see its output above) as {sorted(failed)}"
