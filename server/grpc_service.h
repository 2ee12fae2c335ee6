#ifndef HOTLINE_SERVER_GRPC_SERVICE_H_
#define HOTLINE_SERVER_GRPC_SERVICE_H_

// hotline.v1.Hotline (proto/hotline/v1/service.proto) over an Engine: each
// call authenticated by its bearer token, authorized by the caller's role,
// answered with the engine's status codes and messages.

#include <atomic>
#include <functional>
#include <memory>

#include "engine/engine.h"
#include "hotline/v1/service.grpc.pb.h"
#include "server/access_recorder.h"
#include "server/metrics_registry.h"
#include "server/principals.h"
#include "store/signed_note.h"

namespace hotline::server {

// What the gRPC and HTTP doors share: the engine and what surrounds it.
struct ServiceContext {
  engine::Engine* engine = nullptr;
  // The principals in force now (the tokens file is re-read on SIGHUP).
  std::function<std::shared_ptr<const Principals>()> principals;
  AccessRecorder* access = nullptr;
  ServiceMetrics* metrics = nullptr;
  // Set when the server is shutting down: streaming calls end.
  const std::atomic<bool>* stopping = nullptr;
  // The checkpoint signer key (serve --checkpoint-key); nullptr: the service
  // signs no checkpoints.
  const store::SignerKey* checkpoint_key = nullptr;
};

// Executes `command` through the engine, counting it in the metrics.
absl::StatusOr<engine::ExecuteResult> ExecuteCounted(const ServiceContext& context,
                                                      const hotline::v1::Command& command);

class GrpcService final : public hotline::v1::Hotline::Service {
 public:
  explicit GrpcService(ServiceContext context) : context_(std::move(context)) {}

  grpc::Status Execute(grpc::ServerContext* call, const hotline::v1::Command* request,
                       hotline::v1::ExecuteResponse* response) override;
  grpc::Status GetTicket(grpc::ServerContext* call, const hotline::v1::GetTicketRequest* request,
                         hotline::v1::TicketState* response) override;
  grpc::Status History(grpc::ServerContext* call, const hotline::v1::HistoryRequest* request,
                       hotline::v1::HistoryResponse* response) override;
  grpc::Status Subscribe(grpc::ServerContext* call, const hotline::v1::SubscribeRequest* request,
                         grpc::ServerWriter<hotline::v1::EventEnvelope>* writer) override;
  grpc::Status Report(grpc::ServerContext* call, const hotline::v1::ReportRequest* request,
                      hotline::v1::MonthlyReport* response) override;
  grpc::Status Overdue(grpc::ServerContext* call, const hotline::v1::SlaRequest* request,
                       hotline::v1::SlaResponse* response) override;

 private:
  // The caller's principal, from the call's authorization metadata.
  absl::StatusOr<Principal> Caller(const grpc::ServerContext& call) const;
  // The ticket's history when `caller` may read it, recorded in the access
  // log as read through `what`.
  absl::StatusOr<std::vector<hotline::v1::EventEnvelope>> ReadTicket(
      const Principal& caller, const std::string& ticket_id, absl::string_view what);

  ServiceContext context_;
};

}  // namespace hotline::server

#endif  // HOTLINE_SERVER_GRPC_SERVICE_H_
