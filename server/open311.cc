#include "server/open311.h"

#include <algorithm>
#include <charconv>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "engine/command_validation.h"
#include "engine/json_codec.h"
#include "engine/time_util.h"
#include "server/authorizer.h"

namespace hotline::server {
namespace {

using engine::JsonQuote;
using hotline::v1::TicketState;

const std::string* Param(const Open311Params& params, const std::string& name) {
  auto it = params.find(name);
  return it == params.end() ? nullptr : &it->second;
}

int HttpStatusOf(const absl::Status& s) {
  switch (s.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kUnauthenticated:
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kNotFound:
      return 404;
    default:
      return 500;
  }
}

// The code of the policy's category named `name`, empty when it has none.
std::string CodeOf(const hotline::v1::Policy& policy, const std::string& name) {
  for (const auto& c : policy.categories()) {
    if (c.name() == name) return c.code();
  }
  return "";
}

// GeoReport's datetime: W3C / RFC 3339 with the policy zone's offset.
std::string Datetime(const google::protobuf::Timestamp& t, absl::TimeZone zone) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%S%Ez", engine::FromProto(t), zone);
}

// The shortest decimal that reads back as `v`: coordinates come back as
// they were posted.
std::string Degrees(double v) {
  char buffer[32];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, v).ptr;
  return std::string(buffer, end);
}

// One GeoReport service request: where the ticket stands, never who the
// citizen is (no name, phone, email) nor what they wrote.
std::string RequestJson(const TicketState& state, const hotline::v1::TicketReceived& received,
                        const engine::Directory& directory) {
  const absl::TimeZone zone = directory.policy().calendar().zone();
  const bool closed = state.state() == hotline::v1::TicketStatus::CLOSED;
  std::string notes = hotline::v1::TicketStatus::Value_Name(state.state());
  if (closed) {
    absl::StrAppend(&notes, ": ", hotline::v1::CloseReason::Value_Name(state.close_reason()));
  }
  std::string agency;
  if (const hotline::v1::Unit* unit = directory.FindUnit(state.lead_unit())) agency = unit->name();
  std::string json = absl::StrCat(
      "{\"service_request_id\":", JsonQuote(state.ticket_id()),
      ",\"status\":", closed ? "\"closed\"" : "\"open\"", ",\"status_notes\":", JsonQuote(notes),
      ",\"service_name\":", JsonQuote(state.category()),
      ",\"service_code\":", JsonQuote(CodeOf(directory.policy().published(), state.category())),
      ",\"agency_responsible\":", JsonQuote(agency),
      ",\"requested_datetime\":", JsonQuote(Datetime(state.received_at(), zone)),
      ",\"updated_datetime\":", JsonQuote(Datetime(state.last_event_at(), zone)));
  if (state.has_handle_deadline()) {
    absl::StrAppend(&json, ",\"expected_datetime\":",
                    JsonQuote(Datetime(state.handle_deadline(), zone)));
  }
  absl::StrAppend(&json, ",\"address\":", JsonQuote(received.place().address()));
  if (!received.place().address_id().empty()) {
    absl::StrAppend(&json, ",\"address_id\":", JsonQuote(received.place().address_id()));
  }
  if (received.place().has_latitude()) {
    absl::StrAppend(&json, ",\"lat\":", Degrees(received.place().latitude()),
                    ",\"long\":", Degrees(received.place().longitude()));
  }
  return json + "}";
}

}  // namespace

Open311Response Open311Error(int http_status, const std::string& description) {
  return {http_status,
          absl::StrCat("[{\"code\":", http_status, ",\"description\":", JsonQuote(description),
                       "}]")};
}

Open311Response Open311::Services() const {
  const std::shared_ptr<const engine::Directory> directory = context_.engine->directory();
  std::vector<std::string> services;
  for (const auto& c : directory->policy().published().categories()) {
    services.push_back(absl::StrCat(
        "{\"service_code\":", JsonQuote(c.code()), ",\"service_name\":", JsonQuote(c.name()),
        ",\"description\":", JsonQuote(c.description()),
        ",\"metadata\":false,\"type\":\"realtime\",\"keywords\":\"\",\"group\":",
        JsonQuote(c.group()), "}"));
  }
  return {200, absl::StrCat("[", absl::StrJoin(services, ","), "]")};
}

Open311Response Open311::PostRequest(const Open311Params& form) const {
  const std::string* key = Param(form, "api_key");
  if (key == nullptr || key->empty()) return Open311Error(403, "api_key is required");
  absl::StatusOr<Principal> caller =
      Authenticate(*context_.principals(), absl::StrCat("Bearer ", *key));
  if (!caller.ok()) return Open311Error(403, "api_key: unknown key");
  if (caller->role != hotline::v1::Role::OPERATOR) {
    return Open311Error(403, "api_key: only an OPERATOR's key may submit requests");
  }
  const std::shared_ptr<const engine::Directory> directory = context_.engine->directory();
  const std::string* code = Param(form, "service_code");
  const hotline::v1::Category* category = nullptr;
  for (const auto& c : directory->policy().published().categories()) {
    if (code != nullptr && c.code() == *code) category = &c;
  }
  if (category == nullptr) return Open311Error(400, "service_code: not a service of services.json");

  hotline::v1::Command command;
  hotline::v1::Receive* receive = command.mutable_receive();
  const std::string* lat = Param(form, "lat");
  const std::string* lon = Param(form, "long");
  const std::string* address = Param(form, "address_string");
  if (lat != nullptr || lon != nullptr) {
    double latitude, longitude;
    if (lat == nullptr || lon == nullptr || !absl::SimpleAtod(*lat, &latitude) ||
        !absl::SimpleAtod(*lon, &longitude)) {
      return Open311Error(400, "lat, long: both needed, as decimal degrees");
    }
    receive->mutable_place()->set_latitude(latitude);
    receive->mutable_place()->set_longitude(longitude);
  } else if (address == nullptr || address->empty()) {
    return Open311Error(400, "a location is required: lat and long, or address_string");
  }
  const std::string* description = Param(form, "description");
  if (description == nullptr || absl::StripAsciiWhitespace(*description).empty()) {
    return Open311Error(400, "description is required");
  }
  auto field = [&](const char* name) {
    const std::string* v = Param(form, name);
    return v == nullptr ? std::string() : *v;
  };
  receive->set_channel(hotline::v1::Channel::OPEN311);
  receive->set_appeal_type(hotline::v1::AppealType::REQUEST_FOR_HELP);
  receive->set_urgency(hotline::v1::Urgency::NORMAL);
  receive->set_category(category->name());
  receive->set_title(category->name());
  receive->set_content(*description);
  if (address != nullptr) receive->mutable_place()->set_address(*address);
  receive->mutable_place()->set_address_id(field("address_id"));
  receive->set_media_url(field("media_url"));
  hotline::v1::Contact contact;
  contact.set_first_name(field("first_name"));
  contact.set_last_name(field("last_name"));
  contact.set_name(std::string(absl::StripAsciiWhitespace(
      absl::StrCat(contact.first_name(), " ", contact.last_name()))));
  contact.set_phone(field("phone"));
  contact.set_email(field("email"));
  contact.set_device_id(field("device_id"));
  contact.set_account_id(field("account_id"));
  if (contact.ByteSizeLong() > 0) *receive->mutable_contact() = std::move(contact);
  // The engine derives the ticket id itself; a random one cannot collide
  // with the centre's own numbering or be chosen by a client.
  absl::StatusOr<std::string> nonce = NewToken();
  if (!nonce.ok()) return Open311Error(500, std::string(nonce.status().message()));
  const std::string id = absl::StrCat("311-", nonce->substr(0, 16));
  command.set_ticket_id(id);
  command.set_command_id(absl::StrCat("open311:", id));
  *command.mutable_at() = engine::ToProto(context_.engine->Now());
  if (absl::Status s = ActAs(*caller, &command); !s.ok()) return Open311Error(403, s.ToString());
  absl::StatusOr<engine::ExecuteResult> result = ExecuteCounted(context_, command);
  if (!result.ok()) {
    return Open311Error(HttpStatusOf(result.status()), std::string(result.status().message()));
  }
  return {200, absl::StrCat("[{\"service_request_id\":", JsonQuote(id),
                            ",\"service_notice\":",
                            JsonQuote("Received by the 12345 hotline; it will be dispatched to "
                                      "the responsible department."),
                            "}]")};
}

Open311Response Open311::GetRequest(const std::string& id) const {
  if (!engine::IsValidId(id, 64)) return Open311Error(404, "no such service request");
  absl::StatusOr<TicketState> state = context_.engine->GetTicket(id);
  if (absl::IsNotFound(state.status())) return Open311Error(404, "no such service request");
  if (!state.ok()) return Open311Error(500, std::string(state.status().message()));
  absl::StatusOr<std::vector<hotline::v1::EventEnvelope>> history =
      context_.engine->History(id);
  if (!history.ok()) return Open311Error(500, std::string(history.status().message()));
  return {200, absl::StrCat("[",
                            RequestJson(*state, history->front().event().ticket_received(),
                                        *context_.engine->directory()),
                            "]")};
}

Open311Response Open311::GetRequests(const Open311Params& query) const {
  if (const std::string* ids = Param(query, "service_request_id")) {
    std::vector<std::string> found;
    const std::vector<std::string> wanted =
        absl::StrSplit(*ids, ',', absl::SkipWhitespace());
    if (wanted.size() > kMaxOpen311Ids) {
      return Open311Error(400, absl::StrCat("service_request_id: at most ", kMaxOpen311Ids,
                                            " ids"));
    }
    for (const std::string& id : wanted) {
      Open311Response one = GetRequest(std::string(absl::StripAsciiWhitespace(id)));
      if (one.http_status == 404) continue;  // the specification lists those found
      if (one.http_status != 200) return one;
      found.push_back(one.body.substr(1, one.body.size() - 2));
    }
    return {200, absl::StrCat("[", absl::StrJoin(found, ","), "]")};
  }
  absl::Time end = context_.engine->Now(), start;
  std::string error;
  if (const std::string* t = Param(query, "end_date")) {
    if (!absl::ParseTime(absl::RFC3339_full, *t, &end, &error)) {
      return Open311Error(400, "end_date: expected a W3C datetime such as 2026-12-01T09:00:00Z");
    }
  }
  start = end - absl::Hours(24 * kOpen311DefaultDays);
  if (const std::string* t = Param(query, "start_date")) {
    if (!absl::ParseTime(absl::RFC3339_full, *t, &start, &error)) {
      return Open311Error(400,
                          "start_date: expected a W3C datetime such as 2026-12-01T09:00:00Z");
    }
  }
  std::vector<std::string> codes, statuses;
  if (const std::string* c = Param(query, "service_code")) {
    codes = absl::StrSplit(*c, ',', absl::SkipWhitespace());
  }
  if (const std::string* s = Param(query, "status")) {
    statuses = absl::StrSplit(*s, ',', absl::SkipWhitespace());
    for (const std::string& status : statuses) {
      if (status != "open" && status != "closed") {
        return Open311Error(400, "status: expected open or closed");
      }
    }
  }
  const std::shared_ptr<const engine::Directory> directory = context_.engine->directory();
  auto wanted = [&](const std::vector<std::string>& list, const std::string& value) {
    return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
  };
  // Every ticket state is visited: a district's few thousand a year. The
  // newest kMaxOpen311Results that match are kept.
  std::vector<std::pair<absl::Time, TicketState>> matches;
  absl::Status scanned = context_.engine->log().ScanFamily(
      store::Family::kState, "", [&](absl::string_view, absl::string_view value) {
        TicketState state;
        if (!state.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          return absl::DataLossError("a stored ticket state does not parse");
        }
        const absl::Time received = engine::FromProto(state.received_at());
        const bool closed = state.state() == hotline::v1::TicketStatus::CLOSED;
        if (received < start || received > end ||
            !wanted(statuses, closed ? "closed" : "open") ||
            !wanted(codes, CodeOf(directory->policy().published(), state.category()))) {
          return absl::OkStatus();
        }
        matches.emplace_back(received, std::move(state));
        return absl::OkStatus();
      });
  if (!scanned.ok()) return Open311Error(500, std::string(scanned.message()));
  std::sort(matches.begin(), matches.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second.ticket_id() < b.second.ticket_id();
  });
  if (matches.size() > kMaxOpen311Results) matches.resize(kMaxOpen311Results);
  std::vector<std::string> out;
  for (const auto& [received, state] : matches) {
    absl::StatusOr<std::vector<hotline::v1::EventEnvelope>> history =
        context_.engine->History(state.ticket_id());
    if (!history.ok()) return Open311Error(500, std::string(history.status().message()));
    out.push_back(RequestJson(state, history->front().event().ticket_received(), *directory));
  }
  return {200, absl::StrCat("[", absl::StrJoin(out, ","), "]")};
}

}  // namespace hotline::server
