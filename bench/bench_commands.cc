#include "bench/bench_commands.h"

#include "engine/time_util.h"

namespace hotline::bench {

hotline::v1::Command ReceiveCommand(const std::string& ticket, absl::Time at) {
  hotline::v1::Command c;
  c.set_command_id("r-" + ticket);
  c.set_ticket_id(ticket);
  *c.mutable_at() = engine::ToProto(at);
  c.mutable_actor()->set_id("li");
  c.mutable_actor()->set_role(hotline::v1::Role::OPERATOR);
  auto* r = c.mutable_receive();
  r->set_channel(hotline::v1::Channel::PHONE);
  r->set_appeal_type(hotline::v1::AppealType::COMPLAINT);
  r->set_urgency(hotline::v1::Urgency::NORMAL);
  r->set_category("噪音扰民");
  r->set_content("施工噪音");
  // Personal data, sealed when the engine has a master key.
  r->mutable_contact()->set_name("王五");
  r->mutable_contact()->set_phone("13900001111");
  return c;
}

}  // namespace hotline::bench
