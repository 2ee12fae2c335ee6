#include "server/access_recorder.h"

#include "absl/strings/str_cat.h"
#include "engine/time_util.h"
#include "server/principals.h"

namespace hotline::server {

absl::Status AccessRecorder::Record(const Principal& reader, const std::string& ticket_id,
                                    absl::string_view what) {
  // A random id nobody can predict, so no client can take it first.
  absl::StatusOr<std::string> nonce = NewToken();
  if (!nonce.ok()) return nonce.status();
  hotline::v1::Command command;
  command.set_command_id(absl::StrCat("access:", nonce->substr(0, 32)));
  command.set_ticket_id(ticket_id);
  *command.mutable_at() = engine::ToProto(engine_->Now());
  command.mutable_actor()->set_id(reader.id);
  command.mutable_actor()->set_role(reader.role);
  command.mutable_actor()->set_unit_id(reader.unit_id);
  command.mutable_record_access()->set_what(std::string(what));
  return engine_->Execute(command).status();
}

}  // namespace hotline::server
