#include "server/http_service.h"

#include <httplib.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/numbers.h"
#include "engine/audit_proof.h"
#include "server/dashboard.h"

namespace hotline::server {
namespace {

constexpr char kJson[] = "application/json; charset=utf-8";

Open311Params ParamsOf(const httplib::Request& request) {
  Open311Params params;
  for (const auto& [name, value] : request.params) params.emplace(name, value);
  return params;
}

void Reply(httplib::Response& response, const Open311Response& answer) {
  response.status = answer.http_status;
  response.set_content(answer.body, kJson);
}

// `text`, or the error's code as an HTTP status and its message.
void Answer(httplib::Response& response, const absl::StatusOr<std::string>& text,
            const char* content_type) {
  if (text.ok()) {
    response.set_content(*text, content_type);
    return;
  }
  const absl::StatusCode code = text.status().code();
  response.status = code == absl::StatusCode::kInvalidArgument        ? 400
                    : code == absl::StatusCode::kFailedPrecondition   ? 409
                    : code == absl::StatusCode::kNotFound             ? 404
                                                                      : 500;
  response.set_content(std::string(text.status().message()) + "\n", "text/plain; charset=utf-8");
}

}  // namespace

HttpService::HttpService(ServiceContext context)
    : context_(context), open311_(context), gauges_(context.engine) {}

HttpService::~HttpService() { Stop(); }

absl::StatusOr<std::unique_ptr<HttpService>> HttpService::Start(ServiceContext context,
                                                                const HttpOptions& options) {
  std::unique_ptr<HttpService> service(new HttpService(context));
  if (!options.tls_cert.empty()) {
    auto https = std::make_unique<httplib::SSLServer>(options.tls_cert.c_str(),
                                                      options.tls_key.c_str());
    if (!https->is_valid()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--tls-cert/--tls-key: ", options.tls_cert, " and ", options.tls_key,
          " do not load as a PEM certificate and its key"));
    }
    service->http_ = std::move(https);
  } else {
    service->http_ = std::make_unique<httplib::Server>();
  }
  service->http_->set_payload_max_length(options.max_body_bytes);
  service->http_->set_read_timeout(10, 0);
  service->http_->set_write_timeout(10, 0);
  service->Route();
  service->port_ = options.port == 0 ? service->http_->bind_to_any_port(options.host)
                                     : (service->http_->bind_to_port(options.host, options.port)
                                            ? options.port
                                            : -1);
  if (service->port_ <= 0) {
    return absl::UnavailableError(
        absl::StrCat("HTTP: cannot listen on ", options.host, ":", options.port));
  }
  httplib::Server* http = service->http_.get();
  service->thread_ = std::thread([http] { http->listen_after_bind(); });
  return service;
}

void HttpService::Stop() {
  if (!thread_.joinable()) return;
  http_->stop();
  thread_.join();
}

void HttpService::Route() {
  using httplib::Request;
  using httplib::Response;
  http_->Get("/healthz", [](const Request&, Response& res) { res.set_content("ok\n", "text/plain"); });
  http_->Get("/metrics", [this](const Request&, Response& res) {
    res.set_content(absl::StrCat(context_.metrics->Render(), gauges_.Render()),
                    "text/plain; version=0.0.4; charset=utf-8");
  });
  http_->Get("/", [this](const Request&, Response& res) {
    absl::StatusOr<std::string> page = DashboardPage(*context_.engine, context_.engine->Now());
    if (!page.ok()) {
      res.status = 500;
      res.set_content(std::string(page.status().message()), "text/plain; charset=utf-8");
      return;
    }
    res.set_content(*page, "text/html; charset=utf-8");
  });
  // The transparency log (docs/audit.md): the signed checkpoint of the head
  // and consistency proofs, which hold no citizen data. Ticket proofs do,
  // and stay with `hotline prove` on the store's machine.
  http_->Get("/checkpoint", [this](const Request&, Response& res) {
    if (context_.checkpoint_key == nullptr) {
      res.status = 404;
      res.set_content("this service signs no checkpoints (serve --checkpoint-key)\n",
                      "text/plain; charset=utf-8");
      return;
    }
    const store::EventLog& log = context_.engine->log();
    Answer(res, engine::SignedCheckpoint(log, *context_.checkpoint_key, std::nullopt,
                                         std::nullopt),
           "text/plain; charset=utf-8");
  });
  http_->Get("/proof/consistency", [this](const Request& req, Response& res) {
    uint64_t from = 0, size = context_.engine->log().head().sequence;
    if (!absl::SimpleAtoi(req.get_param_value("from"), &from) ||
        (req.has_param("size") && !absl::SimpleAtoi(req.get_param_value("size"), &size))) {
      res.status = 400;
      res.set_content("from (and size): numbers of records\n", "text/plain; charset=utf-8");
      return;
    }
    Answer(res, engine::ConsistencyProofJson(context_.engine->log(), from, size), kJson);
  });
  http_->Get("/open311/v2/services.json",
             [this](const Request&, Response& res) { Reply(res, open311_.Services()); });
  http_->Post("/open311/v2/requests.json", [this](const Request& req, Response& res) {
    Reply(res, open311_.PostRequest(ParamsOf(req)));
  });
  http_->Get("/open311/v2/requests.json", [this](const Request& req, Response& res) {
    Reply(res, open311_.GetRequests(ParamsOf(req)));
  });
  http_->Get(R"(/open311/v2/requests/([^/]+)\.json)", [this](const Request& req, Response& res) {
    Reply(res, open311_.GetRequest(req.matches[1]));
  });
  // Everything else under /open311 answers in GeoReport's error form
  // (other formats than JSON included).
  http_->set_error_handler([](const Request& req, Response& res) {
    if (req.path.rfind("/open311/", 0) == 0 && res.body.empty()) {
      const std::string what = res.status == 404 ? "no such resource (JSON format only)"
                               : res.status == 413 ? "request too large"
                                                   : "bad request";
      Reply(res, Open311Error(res.status, what));
    }
  });
}

}  // namespace hotline::server
