#include "engine/command_validation.h"

#include <cmath>
#include <tuple>
#include <optional>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "store/status_macros.h"

namespace hotline::engine {
namespace {

using hotline::v1::Command;

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

// The first control character of `text` (C0 or DEL) other than those in
// `allowed`, or nullopt. A NUL or an escape sequence hides text from
// whoever prints it.
std::optional<unsigned char> ControlCharacter(absl::string_view text, absl::string_view allowed) {
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 || c == 0x7f) && allowed.find(ch) == absl::string_view::npos) return c;
  }
  return std::nullopt;
}

absl::Status CheckNoControl(absl::string_view field, absl::string_view value,
                            absl::string_view allowed) {
  if (std::optional<unsigned char> c = ControlCharacter(value, allowed)) {
    return Invalid(field, absl::StrFormat("contains the control character 0x%02x", *c));
  }
  return absl::OkStatus();
}

// A text field: valid UTF-8 within `max` bytes without control characters
// other than tab and line breaks, non-empty when `required`.
absl::Status CheckText(absl::string_view field, const std::string& value,
                       size_t max, bool required) {
  if (required && value.empty()) return Invalid(field, "must not be empty");
  if (value.size() > max) {
    return Invalid(field, absl::StrCat(value.size(), " bytes, over the limit of ", max));
  }
  if (!IsValidUtf8(value)) return Invalid(field, "is not valid UTF-8");
  return CheckNoControl(field, value, "\t\n\r");
}

// An enum field: a known value other than the zero *_UNSPECIFIED.
template <typename IsValid>
absl::Status CheckEnum(absl::string_view field, int value, IsValid is_valid) {
  if (value == 0) return Invalid(field, "must be set");
  if (!is_valid(value)) return Invalid(field, absl::StrCat("unknown value ", value));
  return absl::OkStatus();
}

absl::Status CheckUnitId(absl::string_view field, const std::string& id) {
  if (id.empty()) return Invalid(field, "must not be empty");
  if (!IsValidId(id, kMaxTicketIdBytes)) {
    return Invalid(field, "must be at most 64 bytes of [A-Za-z0-9._:-]");
  }
  return absl::OkStatus();
}

absl::Status ValidatePayload(const Command& c) {
  using hotline::v1::AppealType;
  using hotline::v1::Channel;
  using hotline::v1::Outcome;
  using hotline::v1::Satisfaction;
  using hotline::v1::UnitKind;
  using hotline::v1::Urgency;
  switch (c.payload_case()) {
    case Command::kReceive: {
      const auto& r = c.receive();
      HOTLINE_RETURN_IF_ERROR(CheckEnum("receive.channel", r.channel(), Channel::Value_IsValid));
      HOTLINE_RETURN_IF_ERROR(
          CheckEnum("receive.appeal_type", r.appeal_type(), AppealType::Value_IsValid));
      HOTLINE_RETURN_IF_ERROR(CheckEnum("receive.urgency", r.urgency(), Urgency::Value_IsValid));
      HOTLINE_RETURN_IF_ERROR(CheckText("receive.category", r.category(), kMaxTagBytes, true));
      HOTLINE_RETURN_IF_ERROR(CheckText("receive.title", r.title(), kMaxShortTextBytes, false));
      HOTLINE_RETURN_IF_ERROR(CheckText("receive.content", r.content(), kMaxContentBytes, true));
      HOTLINE_RETURN_IF_ERROR(
          CheckText("receive.location", r.location(), kMaxShortTextBytes, false));
      HOTLINE_RETURN_IF_ERROR(CheckText("receive.citizen.name", r.citizen().name(),
                                kMaxShortTextBytes, false));
      HOTLINE_RETURN_IF_ERROR(
          CheckText("receive.citizen.phone", r.citizen().phone(), kMaxTagBytes, false));
      HOTLINE_RETURN_IF_ERROR(
          CheckText("receive.citizen.email", r.citizen().email(), kMaxShortTextBytes, false));
      HOTLINE_RETURN_IF_ERROR(
          CheckText("receive.media_url", r.media_url(), kMaxShortTextBytes, false));
      // Written as `!(in range)` so that NaN fails too.
      if (!(std::fabs(r.point().latitude()) <= 90)) {
        return Invalid("receive.point.latitude", "must lie in [-90, 90]");
      }
      if (!(std::fabs(r.point().longitude()) <= 180)) {
        return Invalid("receive.point.longitude", "must lie in [-180, 180]");
      }
      if (r.has_place() && (!r.location().empty() || r.has_point())) {
        return Invalid("receive.place", "give place, or location and point, not both");
      }
      if (r.has_contact() && r.has_citizen()) {
        return Invalid("receive.contact", "give contact or citizen, not both");
      }
      const auto& p = r.place();
      HOTLINE_RETURN_IF_ERROR(
          CheckText("receive.place.address", p.address(), kMaxShortTextBytes, false));
      HOTLINE_RETURN_IF_ERROR(
          CheckText("receive.place.address_id", p.address_id(), kMaxTagBytes, false));
      if (p.has_latitude() != p.has_longitude()) {
        return Invalid("receive.place", "latitude and longitude come together");
      }
      if (!(std::fabs(p.latitude()) <= 90)) {
        return Invalid("receive.place.latitude", "must lie in [-90, 90]");
      }
      if (!(std::fabs(p.longitude()) <= 180)) {
        return Invalid("receive.place.longitude", "must lie in [-180, 180]");
      }
      const auto& k = r.contact();
      for (const auto& [field, value, limit] :
           {std::tuple{"receive.contact.name", &k.name(), kMaxShortTextBytes},
            std::tuple{"receive.contact.first_name", &k.first_name(), kMaxShortTextBytes},
            std::tuple{"receive.contact.last_name", &k.last_name(), kMaxShortTextBytes},
            std::tuple{"receive.contact.phone", &k.phone(), kMaxTagBytes},
            std::tuple{"receive.contact.email", &k.email(), kMaxShortTextBytes},
            std::tuple{"receive.contact.device_id", &k.device_id(), kMaxTagBytes},
            std::tuple{"receive.contact.account_id", &k.account_id(), kMaxTagBytes}}) {
        HOTLINE_RETURN_IF_ERROR(CheckText(field, *value, limit, false));
      }
      return absl::OkStatus();
    }
    case Command::kAnswerDirectly:
      return CheckText("answer_directly.answer", c.answer_directly().answer(),
                       kMaxContentBytes, true);
    case Command::kDispatch: {
      const auto& d = c.dispatch();
      HOTLINE_RETURN_IF_ERROR(CheckUnitId("dispatch.lead_unit", d.lead_unit()));
      absl::flat_hash_set<std::string> seen = {d.lead_unit()};
      for (int i = 0; i < d.assist_units_size(); ++i) {
        const std::string field = absl::StrCat("dispatch.assist_units[", i, "]");
        HOTLINE_RETURN_IF_ERROR(CheckUnitId(field, d.assist_units(i)));
        if (!seen.insert(d.assist_units(i)).second) {
          return Invalid(field, "repeats the lead unit or another assist unit");
        }
      }
      return CheckText("dispatch.note", d.note(), kMaxContentBytes, false);
    }
    case Command::kAccept:
      return absl::OkStatus();
    case Command::kRequestReturn:
      return CheckText("request_return.reason", c.request_return().reason(),
                       kMaxContentBytes, true);
    case Command::kDecideReturn:
      return CheckText("decide_return.comment", c.decide_return().comment(),
                       kMaxContentBytes, false);
    case Command::kRequestExtension:
      if (c.request_extension().extra_working_days() < 1) {
        return Invalid("request_extension.extra_working_days", "must be at least 1");
      }
      return CheckText("request_extension.reason", c.request_extension().reason(),
                       kMaxContentBytes, true);
    case Command::kDecideExtension:
      return CheckText("decide_extension.comment", c.decide_extension().comment(),
                       kMaxContentBytes, false);
    case Command::kReply:
      HOTLINE_RETURN_IF_ERROR(
          CheckEnum("reply.outcome", c.reply().outcome(), Outcome::Value_IsValid));
      return CheckText("reply.result", c.reply().result(), kMaxContentBytes, true);
    case Command::kReview:
      return CheckText("review.comment", c.review().comment(), kMaxContentBytes,
                       !c.review().approve());
    case Command::kRate: {
      const auto& r = c.rate();
      if (r.contacted()) {
        return CheckEnum("rate.satisfaction", r.satisfaction(),
                         Satisfaction::Value_IsValid);
      }
      if (r.satisfaction() != 0 || r.has_resolved()) {
        return Invalid("rate.satisfaction",
                       "an unreachable citizen (contacted false) gives no rating");
      }
      return absl::OkStatus();
    }
    case Command::kReopen:
      return CheckText("reopen.reason", c.reopen().reason(), kMaxContentBytes, true);
    case Command::kUrge:
      return CheckText("urge.note", c.urge().note(), kMaxContentBytes, false);
    case Command::kMerge:
      if (!IsValidId(c.merge().primary_ticket_id(), kMaxTicketIdBytes)) {
        return Invalid("merge.primary_ticket_id",
                       "must be 1 to 64 bytes of [A-Za-z0-9._:-]");
      }
      if (c.merge().primary_ticket_id() == c.ticket_id()) {
        return Invalid("merge.primary_ticket_id", "a ticket cannot merge into itself");
      }
      return absl::OkStatus();
    case Command::kWithdraw:
      return CheckText("withdraw.reason", c.withdraw().reason(), kMaxContentBytes, true);
    case Command::kRegisterUnit: {
      const auto& u = c.register_unit();
      HOTLINE_RETURN_IF_ERROR(CheckUnitId("register_unit.unit_id", u.unit_id()));
      HOTLINE_RETURN_IF_ERROR(CheckText("register_unit.name", u.name(), kMaxShortTextBytes, true));
      return CheckEnum("register_unit.kind", u.kind(), UnitKind::Value_IsValid);
    }
    case Command::kUpdateUnit: {
      const auto& u = c.update_unit();
      HOTLINE_RETURN_IF_ERROR(CheckUnitId("update_unit.unit_id", u.unit_id()));
      if (!u.has_name() && !u.has_active()) {
        return Invalid("update_unit", "needs a name or active");
      }
      return u.has_name()
                 ? CheckText("update_unit.name", u.name(), kMaxShortTextBytes, true)
                 : absl::OkStatus();
    }
    case Command::kPublishPolicy:
      if (!c.publish_policy().has_policy()) {
        return Invalid("publish_policy.policy", "must be set");
      }
      return absl::OkStatus();  // the rest is checked by SlaPolicy::Make
    case Command::kRecordAccess:
      return CheckText("record_access.what", c.record_access().what(), kMaxTagBytes, true);
    case Command::kErasePersonalData: {
      const auto& e = c.erase_personal_data();
      if (e.phone().empty() == !e.has_closed_before()) {
        return Invalid("erase_personal_data", "give a phone or closed_before, not both");
      }
      if (e.has_closed_before()) {
        HOTLINE_RETURN_IF_ERROR(CheckAt("erase_personal_data.closed_before", e.closed_before()));
      } else {
        HOTLINE_RETURN_IF_ERROR(
            CheckText("erase_personal_data.phone", e.phone(), kMaxTagBytes, true));
      }
      return CheckText("erase_personal_data.reason", e.reason(), kMaxShortTextBytes, true);
    }
    case Command::PAYLOAD_NOT_SET:
      break;
  }
  return Invalid("payload", "exactly one command payload must be set");
}

}  // namespace

absl::Status CheckAt(absl::string_view field, const google::protobuf::Timestamp& at) {
  if (at.nanos() < 0 || at.nanos() > 999999999) return Invalid(field, "nanos out of range");
  if (at.seconds() < kEarliestAtUnixSeconds || at.seconds() >= kLatestAtUnixSeconds) {
    return Invalid(field, absl::StrCat(at.seconds(),
                                       " seconds since 1970 is outside the accepted window "
                                       "1970-01-01T00:00:00Z to 2200-01-01T00:00:00Z"));
  }
  return absl::OkStatus();
}

bool IsValidId(absl::string_view id, size_t max_bytes) {
  if (id.empty() || id.size() > max_bytes) return false;
  for (char ch : id) {
    const bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                    (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
                    ch == ':' || ch == '-';
    if (!ok) return false;
  }
  return true;
}

bool IsValidUtf8(absl::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    size_t n;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= text.size()) return false;  // truncated sequence
    for (size_t k = 1; k <= n; ++k) {
      const unsigned char cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
        (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

bool IsDirectoryCommand(const Command& command) {
  return command.has_register_unit() || command.has_update_unit() ||
         command.has_publish_policy();
}

absl::Status ValidateCommand(const Command& command) {
  if (command.command_id().empty()) return Invalid("command_id", "must not be empty");
  if (command.command_id().size() > kMaxCommandIdBytes) {
    return Invalid("command_id", "over 128 bytes");
  }
  if (!IsValidUtf8(command.command_id())) {
    return Invalid("command_id", "is not valid UTF-8");
  }
  HOTLINE_RETURN_IF_ERROR(CheckNoControl("command_id", command.command_id(), ""));
  if (absl::StartsWith(command.command_id(), kTimerCommandIdPrefix)) {
    return Invalid("command_id", absl::StrCat("the prefix '", kTimerCommandIdPrefix,
                                              "' is reserved for the engine's timer firings"));
  }
  if (IsDirectoryCommand(command) || command.has_erase_personal_data()) {
    if (!command.ticket_id().empty()) {
      return Invalid("ticket_id", "must be empty for a directory command or an erasure");
    }
  } else if (!IsValidId(command.ticket_id(), kMaxTicketIdBytes)) {
    return Invalid("ticket_id", "must be 1 to 64 bytes of [A-Za-z0-9._:-]");
  }
  if (!command.has_at()) return Invalid("at", "must be set");
  HOTLINE_RETURN_IF_ERROR(CheckAt("at", command.at()));
  HOTLINE_RETURN_IF_ERROR(CheckText("actor.id", command.actor().id(), kMaxTagBytes, true));
  HOTLINE_RETURN_IF_ERROR(CheckEnum("actor.role", command.actor().role(),
                            hotline::v1::Role::Value_IsValid));
  if (command.actor().role() == hotline::v1::Role::UNIT_STAFF) {
    if (command.actor().unit_id().empty()) {
      return Invalid("actor.unit_id", "is required for UNIT_STAFF");
    }
    HOTLINE_RETURN_IF_ERROR(CheckUnitId("actor.unit_id", command.actor().unit_id()));
  } else if (!command.actor().unit_id().empty()) {
    return Invalid("actor.unit_id", "only UNIT_STAFF acts for a unit");
  }
  return ValidatePayload(command);
}

}  // namespace hotline::engine
