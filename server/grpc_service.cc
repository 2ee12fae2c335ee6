#include "server/grpc_service.h"

#include "absl/strings/str_cat.h"
#include "engine/command_validation.h"
#include "engine/monthly_report.h"
#include "engine/report_proto.h"
#include "engine/time_util.h"
#include "server/authorizer.h"
#include "store/status_macros.h"

namespace hotline::server {
namespace {

using hotline::v1::Role;

// absl::StatusCode and grpc::StatusCode share their numbers.
grpc::Status ToGrpc(const absl::Status& s) {
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()), std::string(s.message()));
}

// A ticket that does not exist reads as one the caller may not see when
// the caller is unit staff: whether it exists is not theirs to learn.
absl::Status HideFromUnitStaff(const Principal& caller, const absl::Status& s) {
  if (caller.role == Role::UNIT_STAFF && s.code() == absl::StatusCode::kNotFound) {
    return absl::PermissionDeniedError(
        absl::StrCat("unit '", caller.unit_id, "' was never dispatched this ticket"));
  }
  return s;
}

}  // namespace

absl::StatusOr<engine::ExecuteResult> ExecuteCounted(const ServiceContext& context,
                                                      const hotline::v1::Command& command) {
  const absl::Time start = absl::Now();
  absl::StatusOr<engine::ExecuteResult> result = context.engine->Execute(command);
  context.metrics->CommandDone(result.status().code(), absl::Now() - start);
  return result;
}

absl::StatusOr<Principal> GrpcService::Caller(const grpc::ServerContext& call) const {
  const auto& metadata = call.client_metadata();
  auto it = metadata.find("authorization");
  const absl::string_view header =
      it == metadata.end() ? absl::string_view() : absl::string_view(it->second.data(),
                                                                     it->second.size());
  return Authenticate(*context_.principals(), header);
}

absl::StatusOr<std::vector<hotline::v1::EventEnvelope>> GrpcService::ReadTicket(
    const Principal& caller, const std::string& ticket_id, absl::string_view what) {
  absl::StatusOr<std::vector<hotline::v1::EventEnvelope>> history =
      context_.engine->History(ticket_id);
  if (!history.ok()) return HideFromUnitStaff(caller, history.status());
  HOTLINE_RETURN_IF_ERROR(CheckTicketReader(caller, *history));
  HOTLINE_RETURN_IF_ERROR(context_.access->Record(caller, ticket_id, what));
  return history;
}

grpc::Status GrpcService::Execute(grpc::ServerContext* call, const hotline::v1::Command* request,
                                  hotline::v1::ExecuteResponse* response) {
  absl::StatusOr<Principal> caller = Caller(*call);
  if (!caller.ok()) return ToGrpc(caller.status());
  hotline::v1::Command command = *request;
  if (absl::Status s = ActAs(*caller, &command); !s.ok()) return ToGrpc(s);
  // A caller without a clock of its own acts now.
  if (!command.has_at()) *command.mutable_at() = engine::ToProto(context_.engine->Now());
  absl::StatusOr<engine::ExecuteResult> result = ExecuteCounted(context_, command);
  if (!result.ok()) return ToGrpc(result.status());
  response->set_first_sequence(result->first_sequence);
  response->set_event_count(result->event_count);
  response->set_stream_version(result->stream_version);
  response->set_duplicate(result->duplicate);
  return grpc::Status::OK;
}

grpc::Status GrpcService::GetTicket(grpc::ServerContext* call,
                                    const hotline::v1::GetTicketRequest* request,
                                    hotline::v1::TicketState* response) {
  absl::StatusOr<Principal> caller = Caller(*call);
  if (!caller.ok()) return ToGrpc(caller.status());
  if (request->has_as_of()) {
    if (absl::Status s = engine::CheckAt("as_of", request->as_of()); !s.ok()) return ToGrpc(s);
  }
  auto history = ReadTicket(*caller, request->ticket_id(), "GetTicket");
  if (!history.ok()) return ToGrpc(history.status());
  absl::StatusOr<hotline::v1::TicketState> state =
      request->has_as_of()
          ? context_.engine->GetTicketAsOf(request->ticket_id(),
                                           engine::FromProto(request->as_of()))
          : context_.engine->GetTicket(request->ticket_id());
  if (!state.ok()) return ToGrpc(state.status());
  *response = *std::move(state);
  return grpc::Status::OK;
}

grpc::Status GrpcService::History(grpc::ServerContext* call,
                                  const hotline::v1::HistoryRequest* request,
                                  hotline::v1::HistoryResponse* response) {
  absl::StatusOr<Principal> caller = Caller(*call);
  if (!caller.ok()) return ToGrpc(caller.status());
  auto history = ReadTicket(*caller, request->ticket_id(), "History");
  if (!history.ok()) return ToGrpc(history.status());
  for (auto& e : *history) *response->add_events() = std::move(e);
  return grpc::Status::OK;
}

grpc::Status GrpcService::Subscribe(grpc::ServerContext* call,
                                    const hotline::v1::SubscribeRequest* request,
                                    grpc::ServerWriter<hotline::v1::EventEnvelope>* writer) {
  absl::StatusOr<Principal> caller = Caller(*call);
  if (!caller.ok()) return ToGrpc(caller.status());
  if (absl::Status s = CheckWholeLogReader(*caller); !s.ok()) return ToGrpc(s);
  std::unique_ptr<engine::EventSubscription> events =
      context_.engine->Subscribe(request->after_sequence());
  // Wakes every 200 ms to notice a cancelled call or a server shutting down.
  while (!call->IsCancelled() && !context_.stopping->load()) {
    absl::StatusOr<hotline::v1::EventEnvelope> next = events->Next(absl::Milliseconds(200));
    if (absl::IsDeadlineExceeded(next.status())) continue;
    if (!next.ok()) return ToGrpc(next.status());
    if (!writer->Write(*next)) break;  // the client went away
  }
  // A client that cancelled sees its own cancellation; one cut off by a
  // shutdown is told to come back (and resume after its last sequence).
  if (context_.stopping->load()) {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "the server is shutting down");
  }
  return grpc::Status(grpc::StatusCode::CANCELLED, "the subscription ended");
}

grpc::Status GrpcService::Report(grpc::ServerContext* call,
                                 const hotline::v1::ReportRequest* request,
                                 hotline::v1::MonthlyReport* response) {
  absl::StatusOr<Principal> caller = Caller(*call);
  if (!caller.ok()) return ToGrpc(caller.status());
  if (absl::Status s = CheckWholeLogReader(*caller); !s.ok()) return ToGrpc(s);
  engine::ReportQuery query;
  query.month = request->month();
  if (request->has_as_of()) query.as_of = engine::FromProto(request->as_of());
  if (request->has_up_to_sequence()) query.up_to_sequence = request->up_to_sequence();
  absl::StatusOr<engine::MonthlyReport> report = context_.engine->Report(query);
  if (!report.ok()) return ToGrpc(report.status());
  *response = engine::ReportProto(*report);
  return grpc::Status::OK;
}

grpc::Status GrpcService::Overdue(grpc::ServerContext* call,
                                  const hotline::v1::SlaRequest* request,
                                  hotline::v1::SlaResponse* response) {
  absl::StatusOr<Principal> caller = Caller(*call);
  if (!caller.ok()) return ToGrpc(caller.status());
  std::string unit = request->has_unit_id() ? request->unit_id() : "";
  if (caller->role == Role::UNIT_STAFF) {
    if (!unit.empty() && unit != caller->unit_id) {
      return ToGrpc(absl::PermissionDeniedError(
          absl::StrCat("unit staff of '", caller->unit_id, "' see their own unit's deadlines")));
    }
    unit = caller->unit_id;
  }
  if (request->has_as_of()) {
    if (absl::Status s = engine::CheckAt("as_of", request->as_of()); !s.ok()) return ToGrpc(s);
  }
  const absl::Time as_of = request->has_as_of() ? engine::FromProto(request->as_of())
                                                : context_.engine->Now();
  auto overdue = context_.engine->Overdue(as_of);
  if (!overdue.ok()) return ToGrpc(overdue.status());
  for (const engine::TimerEntry& t : *overdue) {
    if (!unit.empty() && t.lead_unit != unit) continue;
    hotline::v1::OverdueDeadline* d = response->add_deadlines();
    d->set_ticket_id(t.ticket_id);
    d->set_kind(t.kind);
    *d->mutable_deadline() = engine::ToProto(t.deadline);
    d->set_lead_unit(t.lead_unit);
  }
  return grpc::Status::OK;
}

}  // namespace hotline::server
