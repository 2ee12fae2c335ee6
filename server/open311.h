#ifndef HOTLINE_SERVER_OPEN311_H_
#define HOTLINE_SERVER_OPEN311_H_

// Open311 GeoReport v2 (JSON format) over the engine: services are the
// policy's categories, a posted request is a Receive on the OPEN311 channel,
// and a request read back shows where the ticket stands — never who the
// citizen is (docs/service.md, "Open311"). Transport-free: the HTTP server
// passes the form or query parameters in and writes the answer out.

#include <map>
#include <string>

#include "server/grpc_service.h"

namespace hotline::server {

// An HTTP answer: the status and a JSON body. Errors are GeoReport's
// `[{"code": <status>, "description": "..."}]`.
struct Open311Response {
  int http_status = 200;
  std::string body;
};

// Request parameters (form fields of a POST, query of a GET), by name; a
// name given twice keeps its first value.
using Open311Params = std::multimap<std::string, std::string>;

// Bounds: ids in one service_request_id list, requests in one answer, the
// default window of a GET without ids or dates (the specification's 90 days).
inline constexpr size_t kMaxOpen311Ids = 100;
inline constexpr size_t kMaxOpen311Results = 1000;
inline constexpr int kOpen311DefaultDays = 90;

class Open311 {
 public:
  explicit Open311(ServiceContext context) : context_(std::move(context)) {}

  // GET services.json: one service per category of the policy in force.
  Open311Response Services() const;
  // POST requests.json: needs api_key (an OPERATOR's token: 403 otherwise),
  // a known service_code, lat+long or address_string, a description; 400
  // names the first missing or bad field. Creates the ticket.
  Open311Response PostRequest(const Open311Params& form) const;
  // GET requests.json with the specification's filters, newest first.
  Open311Response GetRequests(const Open311Params& query) const;
  // GET requests/{id}.json: a list of one; 404 for an unknown id.
  Open311Response GetRequest(const std::string& id) const;

 private:
  ServiceContext context_;
};

// The GeoReport error body for `status` and `description`.
Open311Response Open311Error(int http_status, const std::string& description);

}  // namespace hotline::server

#endif  // HOTLINE_SERVER_OPEN311_H_
