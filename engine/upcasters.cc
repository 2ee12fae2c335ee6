// The registry of event upcasters. Frozen code: see upcasters.h.

#include "engine/upcasters.h"

#include "absl/strings/str_cat.h"
#include "hotline/v1/options.pb.h"

namespace hotline::engine {
namespace {

using hotline::v1::Event;

// One step: an event of type `type` written in version `from` to `from + 1`.
struct Step {
  Event::PayloadCase type;
  int from;
  void (*apply)(Event*);
};

constexpr Step kSteps[] = {
    {Event::kTicketReceived, 1,
     [](Event* e) { TicketReceivedV1ToV2(e->mutable_ticket_received()); }},
};

// The payload's message type, e.g. "TicketReceived"; "an event with no
// payload" when none is set.
std::string TypeName(const Event& event) {
  const google::protobuf::FieldDescriptor* field =
      Event::descriptor()->FindFieldByNumber(event.payload_case());
  return field != nullptr ? field->message_type()->name() : "an event with no payload";
}

const Step* FindStep(Event::PayloadCase type, int from) {
  for (const Step& step : kSteps) {
    if (step.type == type && step.from == from) return &step;
  }
  return nullptr;
}

}  // namespace

int CurrentVersion(const Event& event) {
  const google::protobuf::FieldDescriptor* field =
      Event::descriptor()->FindFieldByNumber(event.payload_case());
  if (field == nullptr) return 1;
  const int version = field->message_type()->options().GetExtension(hotline::v1::event_version);
  return version > 0 ? version : 1;
}

absl::Status CheckVersion(const hotline::v1::EventEnvelope& envelope) {
  const int current = CurrentVersion(envelope.event());
  const int version = envelope.schema_version();
  if (version < 1) {
    return absl::DataLossError(absl::StrCat("event at sequence ", envelope.sequence(),
                                            ": schema_version ", version, " is not a version"));
  }
  if (version > current) {
    return absl::FailedPreconditionError(absl::StrCat(
        "event at sequence ", envelope.sequence(), ": ", TypeName(envelope.event()),
        " version ", version, " is newer than this build reads (", current,
        "): the log was written by a later release; read it with that release or a newer one"));
  }
  return absl::OkStatus();
}

absl::Status Upcast(hotline::v1::EventEnvelope* envelope) {
  if (absl::Status s = CheckVersion(*envelope); !s.ok()) return s;
  const int current = CurrentVersion(envelope->event());
  for (int version = envelope->schema_version(); version < current; ++version) {
    const Step* step = FindStep(envelope->event().payload_case(), version);
    if (step == nullptr) {
      return absl::InternalError(absl::StrCat("no upcaster for ", TypeName(envelope->event()),
                                              " version ", version));
    }
    step->apply(envelope->mutable_event());
  }
  envelope->set_schema_version(current);
  return absl::OkStatus();
}

void TicketReceivedV1ToV2(hotline::v1::TicketReceived* e) {
  if (!e->location().empty() || e->has_point()) {
    hotline::v1::Place* place = e->mutable_place();
    place->set_address(e->location());
    if (e->has_point()) {
      place->set_latitude(e->point().latitude());
      place->set_longitude(e->point().longitude());
    }
  }
  if (e->has_citizen()) {
    hotline::v1::Contact* contact = e->mutable_contact();
    contact->set_name(e->citizen().name());
    contact->set_phone(e->citizen().phone());
    contact->set_email(e->citizen().email());
  }
  e->clear_location();
  e->clear_point();
  e->clear_citizen();
}

}  // namespace hotline::engine
