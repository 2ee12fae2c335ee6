#include "tools/workload/simulation.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <queue>
#include <random>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/holiday_calendar.h"
#include "engine/time_util.h"
#include "tools/workload/district.h"

namespace hotline::workload {
namespace {

using hotline::v1::AppealType;
using hotline::v1::Command;
using hotline::v1::Role;
using hotline::v1::Urgency;

// Uniform doubles and draws from our own arithmetic on a 64-bit Mersenne
// twister (whose output the standard fixes), not from std:: distributions,
// whose algorithms vary between library versions.
class Random {
 public:
  explicit Random(uint64_t seed) : engine_(seed) {}
  double Uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  double Between(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  bool Chance(double p) { return Uniform() < p; }
  // Knuth's method, on slices of at most 30: a sum of Poisson draws is
  // Poisson, and exp(-lambda) of a large lambda would underflow to 0.
  int Poisson(double lambda) {
    int k = 0;
    for (; lambda > 0; lambda -= 30) {
      const double limit = std::exp(-std::min(lambda, 30.0));
      for (double p = Uniform(); p > limit; p *= Uniform()) ++k;
    }
    return k;
  }
  template <typename T>
  T Pick(const std::vector<Weighted<T>>& mix) {
    int total = 0;
    for (const auto& w : mix) total += w.weight;
    double x = Uniform() * total;
    for (const auto& w : mix) {
      if (x < w.weight) return w.value;
      x -= w.weight;
    }
    return mix.back().value;
  }
  template <typename T>
  const T& Element(const std::vector<T>& v) {
    return v[static_cast<size_t>(Uniform() * v.size()) % v.size()];
  }

 private:
  std::mt19937_64 engine_;
};

uint64_t Mix(uint64_t a, uint64_t b) {  // splitmix64 of a pair
  uint64_t z = a * 0x9E3779B97F4A7C15ull + b + 0x632BE59BD9B4E019ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

enum class Step {
  kReceive, kAnswer, kWithdraw, kMerge, kDispatch, kRequestReturn, kDecideReturn, kAccept,
  kUrge, kRequestExtension, kDecideExtension, kReply, kReview, kRate, kReopen
};

// Owned by the steps scheduled for it: freed once it has none left, so that
// memory follows the tickets in flight, not all the simulation made (a
// province's year is tens of millions).
struct Ticket : std::enable_shared_from_this<Ticket> {
  std::string id;
  Random random;
  const CategorySpec* category = nullptr;
  AppealType::Value type = AppealType::COMPLAINT;
  Urgency::Value urgency = Urgency::NORMAL;
  hotline::v1::Channel::Value channel = hotline::v1::Channel::PHONE;
  std::string unit;           // current lead unit
  std::string returned_by;    // the unit that last returned it
  int commands = 0;           // for command ids
  int reopens = 0;
  int rejected_replies = 0;
  bool approve_return = false;
  bool extension = false;
  bool late_reply = false;
  explicit Ticket(uint64_t seed) : random(seed) {}
};

struct Scheduled {
  absl::Time at;
  uint64_t order;
  std::shared_ptr<Ticket> ticket;
  Step step;
  bool operator>(const Scheduled& o) const {
    return at != o.at ? at > o.at : order > o.order;
  }
};

class Simulator {
 public:
  Simulator(engine::Engine* engine, SimClock* clock, const SimulationOptions& options)
      : engine_(engine), clock_(clock), options_(options) {
    if (!absl::LoadTimeZone("Asia/Shanghai", &zone_)) zone_ = absl::UTCTimeZone();
  }

  absl::StatusOr<SimulationResult> Run(const std::function<void(int64_t, int64_t)>& progress) {
    const int64_t days = options_.to - options_.from + 1;
    if (days <= 0) return absl::InvalidArgumentError("--to is before --from");
    if (absl::Status s = SetUp(); !s.ok()) return s;
    for (absl::CivilDay day = options_.from; day <= options_.to; ++day) {
      const absl::Time start = zone_.At(absl::CivilSecond(day)).pre;
      if (absl::Status s = FireTimers(start + absl::Minutes(1)); !s.ok()) return s;
      ScheduleArrivals(day, start);
      if (absl::Status s = RunUntil(start + absl::Hours(24)); !s.ok()) return s;
      if (progress) progress(day - options_.from + 1, days);
    }
    const absl::Time end = zone_.At(absl::CivilSecond(options_.to + 1)).pre;
    if (absl::Status s = FireTimers(end + absl::Minutes(1)); !s.ok()) return s;
    return result_;
  }

 private:
  const engine::WorkingCalendar& Calendar() {
    directory_ = engine_->directory();  // keeps the calendar alive
    return directory_->policy().calendar();
  }
  absl::Time WorkingLater(absl::Time t, double hours) {
    return Calendar().AddWorkingHours(t, absl::Seconds(static_cast<int64_t>(hours * 3600)));
  }

  Command NewCommand(const std::string& id, const std::string& ticket, absl::Time at, Role::Value role,
                     const std::string& unit = "") {
    Command c;
    c.set_command_id(id);
    c.set_ticket_id(ticket);
    *c.mutable_at() = engine::ToProto(at);
    c.mutable_actor()->set_role(role);
    c.mutable_actor()->set_unit_id(unit);
    switch (role) {
      case Role::OPERATOR: c.mutable_actor()->set_id("li.na"); break;
      case Role::DISPATCHER: c.mutable_actor()->set_id("zhao.yanrong"); break;
      case Role::SUPERVISOR: c.mutable_actor()->set_id("chen.jie"); break;
      case Role::ADMIN: c.mutable_actor()->set_id("admin"); break;
      default: c.mutable_actor()->set_id(absl::StrCat("staff.", unit));
    }
    return c;
  }

  // Executes `c` at its `at`; refusals are counted, not errors.
  absl::StatusOr<bool> Execute(const Command& c) {
    clock_->Set(engine::FromProto(c.at()));
    ++result_.commands;
    if (options_.executed != nullptr) options_.executed->push_back(c);
    auto r = engine_->Execute(c);
    if (r.ok()) return true;
    if (absl::IsUnavailable(r.status()) || absl::IsInternal(r.status()) ||
        absl::IsDataLoss(r.status())) {
      return r.status();
    }
    ++result_.refused[absl::StatusCodeToString(r.status().code())];
    return false;
  }

  absl::Status SetUp() {
    const absl::Time at = zone_.At(absl::CivilSecond(options_.from - 1) + 9 * 3600).pre;
    if (engine_->directory()->units().empty()) {
      for (const UnitSpec& u : DistrictUnits()) {
        Command c = NewCommand(absl::StrCat("sim-unit-", u.id), "", at, Role::ADMIN);
        c.mutable_register_unit()->set_unit_id(u.id);
        c.mutable_register_unit()->set_name(u.name);
        c.mutable_register_unit()->set_kind(u.kind);
        if (auto s = Execute(c); !s.ok()) return s.status();
      }
    }
    if (engine_->directory()->policy_version() == 0) {
      Command c = NewCommand("sim-policy", "", at, Role::ADMIN);
      hotline::v1::Policy* policy = c.mutable_publish_policy()->mutable_policy();
      if (absl::Status s = engine::MergeHolidayCalendar(engine::ChinaHolidayCalendar(), policy);
          !s.ok()) {
        return s;
      }
      for (const CategorySpec& spec : DistrictCategories()) {
        hotline::v1::Category* category = policy->add_categories();
        category->set_code(spec.code);
        category->set_name(spec.name);
        category->set_description(spec.title);
      }
      if (auto s = Execute(c); !s.ok()) return s.status();
    }
    return absl::OkStatus();
  }

  absl::Status FireTimers(absl::Time now) {
    clock_->Set(now);
    auto fired = engine_->FireDueTimers(now);
    if (!fired.ok()) return fired.status();
    result_.timers_fired += fired->size();
    return absl::OkStatus();
  }

  void Schedule(Ticket* t, absl::Time at, Step step) {
    queue_.push(Scheduled{at, next_order_++, t->shared_from_this(), step});
  }

  void ScheduleArrivals(absl::CivilDay day, absl::Time start) {
    Random random(Mix(options_.seed, static_cast<uint64_t>(day - absl::CivilDay(2000, 1, 1))));
    const bool weekend = absl::GetWeekday(day) == absl::Weekday::saturday ||
                         absl::GetWeekday(day) == absl::Weekday::sunday;
    // Weekdays carry about 1.16x the daily mean, weekends 0.6x.
    const double lambda = options_.tickets_per_year / 365.0 * (weekend ? 0.6 : 1.16);
    const int count = random.Poisson(lambda);
    std::vector<absl::Time> times;
    for (int i = 0; i < count; ++i) {
      const double u = random.Uniform();
      const double hour = u < 0.72   ? random.Between(8, 18)
                          : u < 0.95 ? random.Between(18, 22)
                                     : random.Between(0, 8);
      times.push_back(start + absl::Seconds(static_cast<int64_t>(hour * 3600)));
    }
    std::sort(times.begin(), times.end());
    for (int i = 0; i < count; ++i) {
      auto t = std::make_shared<Ticket>(Mix(options_.seed, Mix(day - absl::CivilDay(2000, 1, 1), i)));
      t->id = absl::StrFormat("T%04d%02d%02d-%04d", day.year(), day.month(), day.day(), i + 1);
      Schedule(t.get(), times[i], Step::kReceive);
    }
  }

  absl::Status RunUntil(absl::Time end) {
    while (!queue_.empty() && queue_.top().at < end) {
      Scheduled s = queue_.top();
      queue_.pop();
      if (absl::Status status = Advance(s.ticket.get(), s.step, s.at); !status.ok()) return status;
    }
    return absl::OkStatus();
  }

  bool InState(Ticket* t, std::initializer_list<hotline::v1::TicketStatus::Value> states) {
    auto state = engine_->GetTicket(t->id);
    if (!state.ok()) return false;
    for (auto s : states) {
      if (state->state() == s) return true;
    }
    return false;
  }

  static const CategorySpec& PickCategory(Random& r) {
    int total = 0;
    for (const auto& c : DistrictCategories()) total += c.weight;
    double x = r.Uniform() * total;
    for (const auto& c : DistrictCategories()) {
      if (x < c.weight) return c;
      x -= c.weight;
    }
    return DistrictCategories().back();
  }

  std::string NextId(Ticket* t) { return absl::StrCat(t->id, "/", ++t->commands); }

  std::string PickUnit(Ticket* t) {
    for (int attempt = 0; attempt < 4; ++attempt) {
      const std::string unit = t->random.Element(t->category->units);
      if (unit != t->returned_by) return unit;
    }
    return t->category->units.front() == t->returned_by ? t->category->units.back()
                                                        : t->category->units.front();
  }

  // Runs one step of a ticket and schedules its next.
  absl::Status Advance(Ticket* t, Step step, absl::Time at) {
    Random& r = t->random;
    auto run = [&](Command c) -> absl::StatusOr<bool> { return Execute(c); };
    switch (step) {
      case Step::kReceive: {
        ++result_.tickets;
        t->category = &PickCategory(r);
        t->type = r.Pick(AppealTypeMix());
        t->channel = r.Pick(ChannelMix());
        t->urgency = r.Chance(0.04) ? Urgency::URGENT : Urgency::NORMAL;
        Command c = NewCommand(NextId(t), t->id, at, Role::OPERATOR);
        auto* rec = c.mutable_receive();
        rec->set_channel(t->channel);
        rec->set_appeal_type(t->type);
        rec->set_category(t->category->name);
        rec->set_urgency(t->urgency);
        rec->set_title(t->category->title);
        rec->set_content(absl::StrCat("市民来电反映：", t->category->title, "，请相关部门尽快处理。"));
        rec->set_location("金牛区");
        rec->mutable_citizen()->set_name(r.Chance(0.5) ? "王先生" : "李女士");
        rec->mutable_citizen()->set_phone(absl::StrFormat("139%08d", static_cast<int>(r.Uniform() * 1e8)));
        auto ok = run(c);
        if (!ok.ok() || !*ok) return ok.status();
        const bool consult = t->type == AppealType::CONSULTATION || t->type == AppealType::PRAISE;
        if (consult && r.Chance(0.75)) {
          Schedule(t, at + absl::Minutes(static_cast<int>(r.Between(3, 20))), Step::kAnswer);
        } else if (r.Chance(0.01)) {
          Schedule(t, at + absl::Hours(static_cast<int>(r.Between(1, 30))), Step::kWithdraw);
        } else if (r.Chance(0.012) && open_by_category_.contains(t->category->name)) {
          Schedule(t, at + absl::Minutes(static_cast<int>(r.Between(10, 60))), Step::kMerge);
        } else {
          Schedule(t, WorkingLater(at, r.Between(0.2, 2.5)), Step::kDispatch);
        }
        return absl::OkStatus();
      }
      case Step::kAnswer: {
        Command c = NewCommand(NextId(t), t->id, at, Role::OPERATOR);
        c.mutable_answer_directly()->set_answer("已按政策口径答复市民");
        return run(c).status();
      }
      case Step::kWithdraw: {
        Command c = NewCommand(NextId(t), t->id, at, Role::OPERATOR);
        c.mutable_withdraw()->set_reason("市民来电撤回诉求");
        return run(c).status();
      }
      case Step::kMerge: {
        const std::string primary = open_by_category_[t->category->name];
        auto state = engine_->GetTicket(primary);
        if (!state.ok() || state->state() == hotline::v1::TicketStatus::CLOSED) {
          Schedule(t, WorkingLater(at, r.Between(0.2, 2)), Step::kDispatch);
          return absl::OkStatus();
        }
        Command c = NewCommand(NextId(t), t->id, at, Role::DISPATCHER);
        c.mutable_merge()->set_primary_ticket_id(primary);
        return run(c).status();
      }
      case Step::kDispatch: {
        t->unit = PickUnit(t);
        Command c = NewCommand(NextId(t), t->id, at, Role::DISPATCHER);
        c.mutable_dispatch()->set_lead_unit(t->unit);
        if (r.Chance(0.15)) {
          const std::string assist = PickUnit(t);
          if (assist != t->unit) c.mutable_dispatch()->add_assist_units(assist);
        }
        c.mutable_dispatch()->set_note("请按时办理并答复市民");
        auto ok = run(c);
        if (!ok.ok() || !*ok) return ok.status();
        open_by_category_[t->category->name] = t->id;
        if (r.Chance(0.055) && t->returned_by.empty()) {
          t->approve_return = r.Chance(0.7);
          Schedule(t, WorkingLater(at, r.Between(0.5, 3)), Step::kRequestReturn);
          return absl::OkStatus();
        }
        const double window = t->urgency == Urgency::URGENT ? 1 : 4;
        Schedule(t, WorkingLater(at, r.Chance(0.95) ? r.Between(0.05, 0.9) * window
                                                    : window + r.Between(0.3, 6)),
                 Step::kAccept);
        return absl::OkStatus();
      }
      case Step::kRequestReturn: {
        Command c = NewCommand(NextId(t), t->id, at, Role::UNIT_STAFF, t->unit);
        c.mutable_request_return()->set_reason("该事项不属于本单位职责范围");
        auto ok = run(c);
        if (!ok.ok() || !*ok) return ok.status();
        Schedule(t, WorkingLater(at, r.Between(0.5, 4)), Step::kDecideReturn);
        return absl::OkStatus();
      }
      case Step::kDecideReturn: {
        Command c = NewCommand(NextId(t), t->id, at, Role::DISPATCHER);
        c.mutable_decide_return()->set_approve(t->approve_return);
        c.mutable_decide_return()->set_comment(t->approve_return ? "同意退单，改派" : "首派负责，请继续办理");
        auto ok = run(c);
        if (!ok.ok() || !*ok) return ok.status();
        if (t->approve_return) {
          t->returned_by = t->unit;
          Schedule(t, WorkingLater(at, r.Between(0.3, 2)), Step::kDispatch);
        } else {
          Schedule(t, WorkingLater(at, r.Between(0.1, 1.5)), Step::kAccept);
        }
        return absl::OkStatus();
      }
      case Step::kAccept: {
        auto state = engine_->GetTicket(t->id);
        if (state.ok() && state->state() != hotline::v1::TicketStatus::DISPATCHED) {
          return ScheduleWork(t, at);  // signed for before its return was refused
        }
        Command c = NewCommand(NextId(t), t->id, at, Role::UNIT_STAFF, t->unit);
        c.mutable_accept();
        auto ok = run(c);
        if (!ok.ok() || !*ok) return ok.status();
        return ScheduleWork(t, at);
      }
      case Step::kUrge: {
        if (!InState(t, {hotline::v1::TicketStatus::DISPATCHED, hotline::v1::TicketStatus::IN_PROGRESS,
                         hotline::v1::TicketStatus::RETURN_REQUESTED, hotline::v1::TicketStatus::REPLIED})) {
          return absl::OkStatus();  // done before the supervisor got to it
        }
        Command c = NewCommand(NextId(t), t->id, at, Role::SUPERVISOR);
        c.mutable_urge()->set_note("请加快办理进度");
        return run(c).status();
      }
      case Step::kRequestExtension: {
        if (!InState(t, {hotline::v1::TicketStatus::IN_PROGRESS})) return absl::OkStatus();
        Command c = NewCommand(NextId(t), t->id, at, Role::UNIT_STAFF, t->unit);
        c.mutable_request_extension()->set_extra_working_days(static_cast<int>(r.Between(2, 6)));
        c.mutable_request_extension()->set_reason("需协调多个部门现场核查");
        auto ok = run(c);
        if (!ok.ok() || !*ok) return ok.status();
        Schedule(t, WorkingLater(at, r.Between(0.5, 3)), Step::kDecideExtension);
        return absl::OkStatus();
      }
      case Step::kDecideExtension: {
        auto state = engine_->GetTicket(t->id);
        if (!state.ok() || !state->has_pending_extension()) return absl::OkStatus();  // lapsed
        Command c = NewCommand(NextId(t), t->id, at, Role::SUPERVISOR);
        c.mutable_decide_extension()->set_approve(r.Chance(0.8));
        return run(c).status();
      }
      case Step::kReply: {
        Command c = NewCommand(NextId(t), t->id, at, Role::UNIT_STAFF, t->unit);
        c.mutable_reply()->set_result("经现场核实，已协调处理完毕并告知市民");
        const double u = r.Uniform();
        c.mutable_reply()->set_outcome(u < 0.86   ? hotline::v1::Outcome::RESOLVED
                                       : u < 0.97 ? hotline::v1::Outcome::EXPLAINED
                                                  : hotline::v1::Outcome::UNRESOLVED);
        auto ok = run(c);
        if (!ok.ok() || !*ok) return ok.status();
        Schedule(t, WorkingLater(at, r.Between(0.3, 6)), Step::kReview);
        return absl::OkStatus();
      }
      case Step::kReview: {
        const bool reject = t->rejected_replies == 0 && r.Chance(0.04);
        Command c = NewCommand(NextId(t), t->id, at, Role::DISPATCHER);
        c.mutable_review()->set_approve(!reject);
        if (reject) c.mutable_review()->set_comment("答复内容不完整，请补充办理情况");
        auto ok = run(c);
        if (!ok.ok() || !*ok) return ok.status();
        if (reject) {
          ++t->rejected_replies;
          Schedule(t, WorkingLater(at, r.Between(2, 12)), Step::kReply);
        } else if (!r.Chance(0.01)) {  // a few are never called back: the window expires
          Schedule(t, WorkingLater(at, r.Between(1, 14)), Step::kRate);
        }
        return absl::OkStatus();
      }
      case Step::kRate: {
        Command c = NewCommand(NextId(t), t->id, at, Role::OPERATOR);
        auto* rate = c.mutable_rate();
        rate->set_contacted(!r.Chance(0.05));
        bool dissatisfied = false;
        if (rate->contacted()) {
          const double u = r.Uniform();
          using S = hotline::v1::Satisfaction;
          rate->set_satisfaction(u < 0.905 ? S::SATISFIED : u < 0.98 ? S::BASICALLY_SATISFIED
                                                                    : S::DISSATISFIED);
          dissatisfied = rate->satisfaction() == S::DISSATISFIED;
          rate->set_resolved(r.Chance(dissatisfied ? 0.2 : 0.93));
        }
        auto ok = run(c);
        if (!ok.ok() || !*ok) return ok.status();
        if (dissatisfied && t->reopens == 0 && r.Chance(0.45)) {
          Schedule(t, WorkingLater(at, r.Between(2, 16)), Step::kReopen);
        }
        return absl::OkStatus();
      }
      case Step::kReopen: {
        Command c = NewCommand(NextId(t), t->id, at, Role::SUPERVISOR);
        c.mutable_reopen()->set_reason("市民对办理结果不满意，要求重办");
        auto ok = run(c);
        if (!ok.ok() || !*ok) return ok.status();
        ++t->reopens;
        t->returned_by.clear();
        Schedule(t, WorkingLater(at, r.Between(0.3, 2)), Step::kDispatch);
        return absl::OkStatus();
      }
    }
    return absl::OkStatus();
  }

  // After signing for: maybe an urge and an extension, then the reply.
  absl::Status ScheduleWork(Ticket* t, absl::Time accepted) {
    Random& r = t->random;
    auto state = engine_->GetTicket(t->id);
    if (!state.ok()) return state.status();
    const absl::Time deadline = engine::FromProto(state->handle_deadline());
    const double hours = absl::ToDoubleHours(Calendar().WorkingHoursBetween(accepted, deadline));
    if (r.Chance(0.07)) Schedule(t, WorkingLater(accepted, r.Between(4, 14)), Step::kUrge);
    absl::Time reply;
    if (r.Chance(0.05)) {
      Schedule(t, WorkingLater(accepted, r.Between(0.5, std::max(1.0, hours * 0.4))),
               Step::kRequestExtension);
      // A granted extension moves the deadline; reply after the request's decision.
      reply = WorkingLater(accepted, std::max(6.0, hours * r.Between(0.6, 1.3)));
    } else if (r.Chance(0.93)) {
      reply = WorkingLater(accepted, std::max(0.5, hours * r.Between(0.2, 0.95)));
    } else {
      reply = WorkingLater(deadline, r.Between(1, 20));  // the late tail
    }
    Schedule(t, reply, Step::kReply);
    return absl::OkStatus();
  }

  engine::Engine* engine_;
  SimClock* clock_;
  SimulationOptions options_;
  absl::TimeZone zone_;
  std::shared_ptr<const engine::Directory> directory_;
  std::priority_queue<Scheduled, std::vector<Scheduled>, std::greater<Scheduled>> queue_;
  uint64_t next_order_ = 0;
  std::map<std::string, std::string> open_by_category_;
  SimulationResult result_;
};

}  // namespace

absl::StatusOr<SimulationResult> Simulate(engine::Engine* engine, SimClock* clock,
                                          const SimulationOptions& options,
                                          const std::function<void(int64_t, int64_t)>& progress) {
  Simulator simulator(engine, clock, options);
  return simulator.Run(progress);
}

}  // namespace hotline::workload
