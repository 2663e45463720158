"""Contract fuzzing: schemathesis against the gateway's own OpenAPI document, as every role.

    make fuzz          # a longer run on a stack of its own: python -m tests.contract_fuzz --examples 150
    (make test runs a bounded version: tests/e2e/test_contract_fuzz.py)

Each role signs in on a small world of its own (a region, an alliance, a
member school and a user of each role) and schemathesis sends generated
requests to every operation, checking for server errors, responses that do
not match their documented schema, undocumented status codes and content
types. Never point it at a stack with data that matters: it cancels and
ends what it can.
"""
import argparse
import subprocess
import sys
from pathlib import Path

from tests.e2e.api import Api, school

PASSWORD = "fuzz-password-long-enough"
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
ST = str(Path(sys.executable).with_name("st"))


def tokens_of_every_role(base_url: str, admin_email: str, admin_password: str) -> dict[str, str]:
    """Sign in one user of each role, creating them (and what they belong to) as the admin."""
    anonymous = Api(base_url)
    admin = anonymous.login(admin_email, admin_password)
    region = admin.created("/api/v1/regions", {"name": "Fuzz region", "code": "FUZZ"})
    admin.created("/api/v1/schools", school("990001", "Fuzz Primary"))
    alliance = admin.created("/api/v1/alliances", {"name": "Fuzz alliance", "region_id": region["id"],
                                                   "kind": "teaching_school_hub"})
    admin.created(f"/api/v1/alliances/{alliance['id']}/members", {"school_urn": "990001", "tier": "lead"})
    scopes = {
        "regional_coordinator": {"region_id": region["id"]},
        "alliance_admin": {"alliance_id": alliance["id"]},
        "alliance_staff": {"alliance_id": alliance["id"]},
        "school_user": {"school_urn": "990001"},
    }
    tokens = {"platform_admin": admin.token}
    for role, scope in scopes.items():
        email = f"{role}@fuzz.test"
        admin.created("/api/v1/users", {"email": email, "name": role, "role": role, "password": PASSWORD, **scope})
        tokens[role] = anonymous.login(email, PASSWORD).token
    return tokens


def fuzz_as(base_url: str, role: str, token: str, examples: int, report_dir: Path, seed: int | None) -> int:
    """Run schemathesis as ``role``; its exit code (0: no failure).

    One worker: with two, schemathesis' generator sometimes dies inside CPython 3.11's
    compiler ("AST constructor recursion depth mismatch"), a crash of the tool, not of the API.
    """
    command = [
        ST, "run", f"{base_url}/api/v1/openapi.json", "--url", base_url,
        "--header", f"Authorization: Bearer {token}", "--checks", CHECKS,
        "--max-examples", str(examples), "--phases", "examples,coverage,fuzzing",
        "--workers", "1", *(["--seed", str(seed)] if seed is not None else []), "--suppress-health-check", "all",
        "--generation-database", "none", "--request-timeout", "20", "--no-color",
        "--report", "junit", "--report-dir", str(report_dir / role),
    ]
    print(f"\n=== schemathesis as {role} ({examples} examples per operation) ===", flush=True)
    return subprocess.run(command, check=False).returncode


def fuzz_every_role(base_url: str, tokens: dict[str, str], examples: int, report_dir: Path,
                    seed: int | None = None) -> dict[str, int]:
    """Schemathesis' exit code per role; a fixed ``seed`` repeats the same cases, none explores anew."""
    return {role: fuzz_as(base_url, role, token, examples, report_dir, seed) for role, token in tokens.items()}


def main(argv: list[str] | None = None) -> int:
    from tests.benchmarks.bench_stack import ADMIN_EMAIL, ADMIN_PASSWORD, bench_stack
    parser = argparse.ArgumentParser(prog="python -m tests.contract_fuzz", description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=150, help="test cases per operation and role")
    parser.add_argument("--report-dir", type=Path, default=Path(".run/fuzz"))
    parser.add_argument("--seed", type=int, default=None, help="repeat a run (schemathesis prints its seed)")
    args = parser.parse_args(argv)
    with bench_stack(workers=10) as (stack, _):
        tokens = tokens_of_every_role(stack.base_url, ADMIN_EMAIL, ADMIN_PASSWORD)
        results = fuzz_every_role(stack.base_url, tokens, args.examples, args.report_dir, args.seed)
    print("\nschemathesis exit codes by role:", results)
    return 0 if not any(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
