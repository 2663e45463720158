"""School-to-school support: referrals, matching, deployments, reviews and the regional board."""
from werkzeug.wrappers import Response

from gateway.http import Call, route
from services.support import schemas
from services.support.board_table import to_csv

TAG = "Support referrals"


class SupportRoutes:
    @route("POST", "/api/v1/referrals", "Open a referral for a school's support", TAG,
           body=schemas.ReferralCreate, response=schemas.Referral, status=201, idempotent=True)
    def open_referral(self, call: Call) -> dict:
        return self.rpc.support.open_referral(call.caller, call.body, call.idempotency_key)

    @route("GET", "/api/v1/referrals", "Referrals the caller may see", TAG,
           response=schemas.Referral, query=schemas.ReferralFilters, paginated=True)
    def list_referrals(self, call: Call) -> dict:
        return self.rpc.support.list_referrals(call.caller, call.filters, call.page)

    @route("GET", "/api/v1/referrals/{referral_id}",
           "One referral with its deployments, visits, reviews and timeline", TAG, response=schemas.Referral)
    def get_referral(self, call: Call, referral_id: str) -> dict:
        return self.rpc.support.get_referral(call.caller, referral_id)

    @route("POST", "/api/v1/referrals/{referral_id}/consent",
           "Record the school's consent to share, and who gave it", TAG,
           body=schemas.Consent, response=schemas.Referral)
    def record_consent(self, call: Call, referral_id: str) -> dict:
        return self.rpc.support.record_consent(call.caller, referral_id, call.body)

    @route("POST", "/api/v1/referrals/{referral_id}/share",
           "Share with the region's alliances (409 without the school's consent)", TAG, response=schemas.Referral)
    def share_referral(self, call: Call, referral_id: str) -> dict:
        return self.rpc.support.share_referral(call.caller, referral_id)

    @route("GET", "/api/v1/referrals/{referral_id}/matches",
           "The region's system leaders ranked for the referral; conflicts of interest listed apart", TAG,
           response=schemas.Matches, query=schemas.MatchOptions)
    def find_matches(self, call: Call, referral_id: str) -> dict:
        return self.rpc.support.find_matches(call.caller, referral_id, call.filters)

    @route("POST", "/api/v1/referrals/{referral_id}/assign",
           "Deploy a system leader for some of their days", TAG,
           body=schemas.Assignment, response=schemas.Referral)
    def assign_leader(self, call: Call, referral_id: str) -> dict:
        return self.rpc.support.assign_leader(call.caller, referral_id, call.body)

    @route("POST", "/api/v1/referrals/{referral_id}/deployments/{deployment_id}/visits",
           "Log a visit and the days it used", TAG, body=schemas.Visit, response=schemas.VisitOut, status=201)
    def log_visit(self, call: Call, referral_id: str, deployment_id: str) -> dict:
        return self.rpc.support.log_visit(call.caller, referral_id, deployment_id, call.body)

    @route("POST", "/api/v1/referrals/{referral_id}/reviews", "Review with a RAG rating", TAG,
           body=schemas.ReviewCreate, response=schemas.Review, status=201)
    def add_review(self, call: Call, referral_id: str) -> dict:
        return self.rpc.support.add_review(call.caller, referral_id, call.body)

    @route("POST", "/api/v1/referrals/{referral_id}/close", "Close with an outcome", TAG,
           body=schemas.Closure, response=schemas.Referral)
    def close_referral(self, call: Call, referral_id: str) -> dict:
        return self.rpc.support.close_referral(call.caller, referral_id, call.body)

    @route("POST", "/api/v1/referrals/{referral_id}/withdraw", "Withdraw before it closes", TAG,
           body=schemas.Withdrawal, response=schemas.Referral)
    def withdraw_referral(self, call: Call, referral_id: str) -> dict:
        return self.rpc.support.withdraw_referral(call.caller, referral_id, call.body)

    @route("GET", "/api/v1/regions/{region_id}/referral-board",
           "The region's referral board (coordinators); CSV with Accept: text/csv", TAG,
           response=schemas.Board, csv=True)
    def referral_board(self, call: Call, region_id: str) -> dict | Response:
        board = self.rpc.support.referral_board(call.caller, region_id)
        if not call.wants_csv:
            return board
        return Response(to_csv(board), mimetype="text/csv", headers={
            "Content-Disposition": 'attachment; filename="referral-board.csv"'})
