#include "engine/personal_fields.h"

#include <string>

#include "hotline/v1/options.pb.h"

namespace hotline::engine {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// The payload message of `event` of the case `payload` (made when not set),
// nullptr for no case.
Message* Payload(hotline::v1::Event* event, int payload) {
  const FieldDescriptor* field = hotline::v1::Event::descriptor()->FindFieldByNumber(payload);
  return field == nullptr ? nullptr : event->GetReflection()->MutableMessage(event, field);
}

bool IsPersonal(const FieldDescriptor* field) {
  return field->options().GetExtension(hotline::v1::personal);
}

}  // namespace

bool TakePersonalFields(hotline::v1::Event* event, hotline::v1::Event* taken) {
  Message* payload = Payload(event, event->payload_case());
  if (payload == nullptr) return false;
  const auto* reflection = payload->GetReflection();
  const auto* type = payload->GetDescriptor();
  Message* out = nullptr;
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    if (!IsPersonal(field) || !reflection->HasField(*payload, field)) continue;
    if (out == nullptr) {
      taken->Clear();
      out = Payload(taken, event->payload_case());
    }
    reflection->SwapFields(payload, out, {field});
  }
  return out != nullptr;
}

void MaskPersonalFields(hotline::v1::Event* event, absl::string_view mask) {
  Message* payload = Payload(event, event->payload_case());
  if (payload == nullptr) return;
  const auto* reflection = payload->GetReflection();
  const auto* type = payload->GetDescriptor();
  bool masked = false;
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    if (!IsPersonal(field)) continue;
    if (!masked && field->type() == FieldDescriptor::TYPE_STRING && !field->is_repeated()) {
      reflection->SetString(payload, field, std::string(mask));
      masked = true;
    } else {
      reflection->ClearField(payload, field);
    }
  }
}

}  // namespace hotline::engine
