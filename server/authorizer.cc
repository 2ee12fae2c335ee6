#include "server/authorizer.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace hotline::server {
namespace {

using hotline::v1::Role;

std::string Describe(const std::string& id, Role::Value role, const std::string& unit) {
  return absl::StrCat("{id '", id, "', role ", Role::Value_Name(role),
                      unit.empty() ? "" : absl::StrCat(", unit '", unit, "'"), "}");
}

}  // namespace

absl::StatusOr<Principal> Authenticate(const Principals& principals,
                                       absl::string_view authorization) {
  if (authorization.empty()) {
    return absl::UnauthenticatedError("no credentials: send 'authorization: Bearer <token>'");
  }
  absl::string_view token = authorization;
  if (!absl::ConsumePrefix(&token, "Bearer ") || token.empty()) {
    return absl::UnauthenticatedError("the authorization header is not 'Bearer <token>'");
  }
  const Principal* principal = principals.Find(token);
  if (principal == nullptr) return absl::UnauthenticatedError("unknown token");
  return *principal;
}

absl::Status ActAs(const Principal& principal, hotline::v1::Command* command) {
  if (command->has_record_access()) {
    return absl::PermissionDeniedError(
        "record_access: the service records reads itself; a caller may not");
  }
  hotline::v1::Actor* actor = command->mutable_actor();
  if (actor->id().empty() && actor->role() == Role::ROLE_UNSPECIFIED && actor->unit_id().empty()) {
    actor->set_id(principal.id);
    actor->set_role(principal.role);
    actor->set_unit_id(principal.unit_id);
    return absl::OkStatus();
  }
  if (actor->id() != principal.id || actor->role() != principal.role ||
      actor->unit_id() != principal.unit_id) {
    return absl::PermissionDeniedError(absl::StrCat(
        "actor ", Describe(actor->id(), actor->role(), actor->unit_id()),
        " is not the caller ", Describe(principal.id, principal.role, principal.unit_id),
        ": leave the actor empty or name yourself"));
  }
  return absl::OkStatus();
}

absl::Status CheckWholeLogReader(const Principal& principal) {
  switch (principal.role) {
    case Role::ADMIN:
    case Role::SUPERVISOR:
    case Role::DISPATCHER:
    case Role::AUDITOR:
      return absl::OkStatus();
    default:
      return absl::PermissionDeniedError(absl::StrCat(
          "role ", Role::Value_Name(principal.role),
          " may not read the whole log or its statistics (ADMIN, SUPERVISOR, DISPATCHER, "
          "AUDITOR may)"));
  }
}

absl::Status CheckTicketReader(const Principal& principal,
                               const std::vector<hotline::v1::EventEnvelope>& history) {
  if (principal.role != Role::UNIT_STAFF) return absl::OkStatus();
  for (const hotline::v1::EventEnvelope& e : history) {
    if (!e.event().has_ticket_dispatched()) continue;
    const auto& d = e.event().ticket_dispatched();
    if (d.lead_unit() == principal.unit_id ||
        std::find(d.assist_units().begin(), d.assist_units().end(), principal.unit_id) !=
            d.assist_units().end()) {
      return absl::OkStatus();
    }
  }
  return absl::PermissionDeniedError(absl::StrCat(
      "unit '", principal.unit_id, "' was never dispatched this ticket"));
}

}  // namespace hotline::server
