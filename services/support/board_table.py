"""The referral board as one CSV table, one figure per row, safe to open in a spreadsheet."""
import csv
import io

COLUMNS = ["figure", "alliance_id", "alliance_name", "other_alliance_id", "other_alliance_name",
           "status", "referral_id", "value"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula gets a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def rows(board: dict) -> list[dict]:
    found = []
    for alliance in board["by_alliance"]:
        for status, count in alliance["counts"].items():
            found.append({"figure": "referrals", "alliance_id": alliance["alliance_id"],
                          "alliance_name": alliance["alliance_name"], "status": status, "value": count})
    for flow in board["cross_alliance_flows"]:
        found.append({"figure": "cross_alliance_referrals", "alliance_id": flow["from_alliance_id"],
                      "alliance_name": flow["from_alliance_name"], "other_alliance_id": flow["to_alliance_id"],
                      "other_alliance_name": flow["to_alliance_name"], "value": flow["count"]})
    found.append({"figure": "median_days_to_match", "value": board["median_days_to_match"]})
    for days in board["days_deployed"]:
        for kind in ("days_used", "days_booked"):
            found.append({"figure": f"leader_{kind}", "alliance_id": days["alliance_id"],
                          "alliance_name": days["alliance_name"], "value": days[kind]})
    for late in board["overdue"]:
        found.append({"figure": "overdue_working_days", "alliance_id": late["alliance_id"],
                      "alliance_name": late["alliance_name"], "status": late["status"],
                      "referral_id": late["referral_id"], "value": late["working_days_overdue"]})
    return found


def to_csv(board: dict) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows(board):
        writer.writerow({column: _cell(row.get(column)) for column in COLUMNS})
    return out.getvalue()
