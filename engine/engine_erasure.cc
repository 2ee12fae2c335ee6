// Engine::ExecuteErasure: a citizen's personal data erased by deleting the
// data keys it is sealed under (docs/personal-data.md).

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/command_validation.h"
#include "engine/engine.h"
#include "engine/time_util.h"
#include "store/status_macros.h"

namespace hotline::engine {
namespace {

using hotline::v1::TicketState;
using hotline::v1::TicketStatus;

}  // namespace

absl::StatusOr<ExecuteResult> Engine::Erase(const hotline::v1::Command& command) {
  absl::MutexLock one_at_a_time(&erasure_mu_);
  // An earlier erasure's shred cut short (a crash, a reader's snapshot).
  HOTLINE_RETURN_IF_ERROR(personal_->ShredIfOwed());
  absl::StatusOr<ExecuteResult> result;
  {
    absl::MutexLock alone(&commands_mu_);
    result = Decided(command);
  }
  if (!result.ok() || result->duplicate) return result;
  HOTLINE_RETURN_IF_ERROR(personal_->Shred());
  return result;
}

absl::StatusOr<ExecuteResult> Engine::ExecuteErasure(const hotline::v1::Command& command) {
  if (command.actor().role() != hotline::v1::Role::ADMIN) {
    return absl::PermissionDeniedError("erase_personal_data: ADMIN only");
  }
  if (!personal_->sealing()) {
    return absl::FailedPreconditionError(
        "erase_personal_data: needs the master key the personal data is sealed under");
  }
  const auto& erase = command.erase_personal_data();
  hotline::v1::Event event;
  auto* erased = event.mutable_citizen_data_erased();
  erased->set_reason(erase.reason());
  std::vector<std::string> candidates;
  if (!erase.phone().empty()) {
    HOTLINE_ASSIGN_OR_RETURN(std::string subject, personal_->SubjectOf(erase.phone()));
    HOTLINE_ASSIGN_OR_RETURN(candidates, personal_->TicketsOf(subject));
    erased->set_subject(subject);
  } else {
    *erased->mutable_closed_before() = erase.closed_before();
    const absl::Time before = FromProto(erase.closed_before());
    HOTLINE_RETURN_IF_ERROR(log_->ScanFamily(
        store::Family::kState, "", [&](absl::string_view, absl::string_view value) {
          TicketState state;
          if (!state.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
            return absl::DataLossError("a stored ticket state does not parse");
          }
          if (state.state() != TicketStatus::CLOSED || FromProto(state.closed_at()) >= before) {
            return absl::OkStatus();
          }
          HOTLINE_ASSIGN_OR_RETURN(bool keyed, personal_->HasKey(state.ticket_id()));
          if (keyed) candidates.push_back(state.ticket_id());
          return candidates.size() < kMaxTicketsPerErasure ? absl::OkStatus() : store::StopScan();
        }));
  }
  if (candidates.size() > kMaxTicketsPerErasure) candidates.resize(kMaxTicketsPerErasure);
  store::AppendRequest request;
  HOTLINE_ASSIGN_OR_RETURN(request.extra_writes, personal_->KeyDeletes(candidates));
  if (request.extra_writes.size() == 1) {
    return absl::NotFoundError("erase_personal_data: no personal data is held for it");
  }
  for (const std::string& ticket : candidates) erased->add_ticket_ids(ticket);
  request.stream_id = kErasureStream;
  request.command_id = command.command_id();
  HOTLINE_ASSIGN_OR_RETURN(request.payloads,
                           Envelopes(command, {event}, 0, nullptr, &request.extra_writes));
  HOTLINE_ASSIGN_OR_RETURN(store::AppendResult appended, log_->Append(request));
  return ExecuteResult{appended.first_sequence, appended.count, appended.stream_version,
                       appended.duplicate};
}

}  // namespace hotline::engine
