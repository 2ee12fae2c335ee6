// hotline.v1.Hotline in-process: a HotlineServer over a harness engine,
// called through gRPC's generated C++ stub on a loopback port.

#include <grpcpp/grpcpp.h>

#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "engine/command_validation.h"
#include "engine/monthly_report.h"
#include "engine/time_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hotline/v1/service.grpc.pb.h"
#include "server/hotline_server.h"
#include "tests/engine_harness.h"

namespace hotline::testing {
namespace {

using hotline::v1::Role;
using ::testing::HasSubstr;

struct Caller {
  std::string token;
  server::Principal principal;
};

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tokens_path_ = dir_.Sub("tokens.jsonl");
    operator_ = AddPrincipal("li", Role::OPERATOR);
    dispatcher_ = AddPrincipal("zhao", Role::DISPATCHER);
    staff1_ = AddPrincipal("wang", Role::UNIT_STAFF, "U01");
    staff2_ = AddPrincipal("chen", Role::UNIT_STAFF, "U02");
    auditor_ = AddPrincipal("audit", Role::AUDITOR);
    server::ServeOptions options;
    options.grpc_address = "127.0.0.1:0";
    options.http_address = "127.0.0.1:0";
    options.tokens_path = tokens_path_;
    options.timers_every = absl::Milliseconds(100);
    auto started = server::HotlineServer::Start(&h_.engine(), &metrics_, options);
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = *std::move(started);
    stub_ = hotline::v1::Hotline::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", server_->grpc_port()), grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
  }

  Caller AddPrincipal(const std::string& id, Role::Value role, const std::string& unit = "") {
    Caller c{*server::NewToken(), {id, role, unit}};
    std::ofstream(tokens_path_, std::ios::app) << server::PrincipalLine(c.principal, c.token)
                                               << "\n";
    return c;
  }

  std::unique_ptr<grpc::ClientContext> As(const Caller& caller) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->AddMetadata("authorization", "Bearer " + caller.token);
    return context;
  }

  // Executes `command` as `caller` with its actor cleared (the server's to fill).
  grpc::Status Run(const Caller& caller, hotline::v1::Command command) {
    command.clear_actor();
    hotline::v1::ExecuteResponse response;
    return stub_->Execute(As(caller).get(), command, &response);
  }

  // A ticket received and dispatched to `unit` through the service.
  void ReceiveAndDispatch(const std::string& ticket, const std::string& unit) {
    const absl::Time now = h_.engine().Now();
    ASSERT_TRUE(Run(operator_, h_.Receive(ticket, now - absl::Minutes(10))).ok());
    ASSERT_TRUE(Run(dispatcher_, h_.Dispatch(ticket, now - absl::Minutes(5), unit)).ok());
  }

  grpc::StatusCode GetTicketCode(const Caller& caller, const std::string& ticket) {
    hotline::v1::GetTicketRequest request;
    request.set_ticket_id(ticket);
    hotline::v1::TicketState state;
    return stub_->GetTicket(As(caller).get(), request, &state).error_code();
  }

  EngineHarness h_;
  TempDir dir_;
  std::string tokens_path_;
  Caller operator_, dispatcher_, staff1_, staff2_, auditor_;
  server::ServiceMetrics metrics_;
  std::unique_ptr<server::HotlineServer> server_;
  std::unique_ptr<hotline::v1::Hotline::Stub> stub_;
};

TEST_F(ServiceTest, TheCallerIsTheActorOfItsCommands) {
  ReceiveAndDispatch("T1", "U01");
  auto history = h_.engine().History("T1");
  ASSERT_TRUE(history.ok());
  EXPECT_EQ((*history)[0].actor().id(), "li");
  EXPECT_EQ((*history)[0].actor().role(), Role::OPERATOR);
  EXPECT_EQ((*history)[1].actor().id(), "zhao");
}

TEST_F(ServiceTest, AForgedActorIsRefusedAndAppendsNothing) {
  hotline::v1::Command c = h_.Receive("T1", h_.engine().Now());
  *c.mutable_actor() = Dispatcher();  // an operator's token, another's name
  hotline::v1::ExecuteResponse response;
  const uint64_t head = h_.head();
  grpc::Status s = stub_->Execute(As(operator_).get(), c, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(s.error_message(), HasSubstr("is not the caller"));
  EXPECT_EQ(h_.head(), head);
}

TEST_F(ServiceTest, NoTokenOrAnUnknownOneIsUnauthenticated) {
  hotline::v1::Command c = h_.Receive("T1", h_.engine().Now());
  hotline::v1::ExecuteResponse response;
  grpc::ClientContext bare;
  EXPECT_EQ(stub_->Execute(&bare, c, &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  Caller stranger{"not-a-token", {}};
  EXPECT_EQ(stub_->Execute(As(stranger).get(), c, &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(GetTicketCode(stranger, "T1"), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(ServiceTest, EngineErrorsKeepTheirCodes) {
  ReceiveAndDispatch("T1", "U01");
  grpc::Status again = Run(operator_, h_.Receive("T1", h_.engine().Now()));
  EXPECT_EQ(again.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(GetTicketCode(dispatcher_, "nope"), grpc::StatusCode::NOT_FOUND);
  // An auditor reads but executes nothing.
  EXPECT_EQ(Run(auditor_, h_.Urge("T1", h_.engine().Now())).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ServiceTest, UnitStaffReadOnlyTicketsTheirUnitWasDispatched) {
  ReceiveAndDispatch("T1", "U01");
  EXPECT_EQ(GetTicketCode(staff1_, "T1"), grpc::StatusCode::OK);
  EXPECT_EQ(GetTicketCode(staff2_, "T1"), grpc::StatusCode::PERMISSION_DENIED);
  // Whether a ticket exists is not theirs to learn either.
  EXPECT_EQ(GetTicketCode(staff2_, "no-such"), grpc::StatusCode::PERMISSION_DENIED);
  hotline::v1::HistoryRequest request;
  request.set_ticket_id("T1");
  hotline::v1::HistoryResponse history;
  EXPECT_EQ(stub_->History(As(staff2_).get(), request, &history).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // An assisting unit may read it.
  hotline::v1::Command assist = h_.Dispatch("T2", h_.engine().Now(), "U01");
  ASSERT_TRUE(Run(operator_, h_.Receive("T2", h_.engine().Now() - absl::Minutes(1))).ok());
  assist.mutable_dispatch()->add_assist_units("U02");
  ASSERT_TRUE(Run(dispatcher_, assist).ok());
  EXPECT_EQ(GetTicketCode(staff2_, "T2"), grpc::StatusCode::OK);
}

TEST_F(ServiceTest, EveryReadOfATicketIsRecordedInTheAccessLog) {
  ReceiveAndDispatch("T1", "U01");
  EXPECT_EQ(GetTicketCode(staff1_, "T1"), grpc::StatusCode::OK);
  EXPECT_EQ(GetTicketCode(staff2_, "T1"), grpc::StatusCode::PERMISSION_DENIED);
  auto records = h_.engine().log().ReadStream(engine::kAccessStream);
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 1u) << "only the read that returned data is recorded";
  hotline::v1::EventEnvelope e;
  ASSERT_TRUE(e.ParseFromString((*records)[0].payload));
  EXPECT_EQ(e.actor().id(), "wang");
  EXPECT_EQ(e.actor().unit_id(), "U01");
  EXPECT_EQ(e.event().ticket_data_read().ticket_id(), "T1");
  EXPECT_EQ(e.event().ticket_data_read().what(), "GetTicket");
  // A caller may not write access records of its own.
  hotline::v1::Command forged = h_.NewCommand("T1", h_.engine().Now(), Operator());
  forged.mutable_record_access()->set_what("GetTicket");
  EXPECT_EQ(Run(operator_, forged).error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ServiceTest, SubscribeSeesEventsCommittedAfterItStarted) {
  ReceiveAndDispatch("T1", "U01");
  const uint64_t head = h_.head();
  hotline::v1::SubscribeRequest request;
  request.set_after_sequence(head);
  auto context = As(auditor_);
  auto reader = stub_->Subscribe(context.get(), request);
  std::thread writer([&] {
    absl::SleepFor(absl::Milliseconds(300));  // the subscription is waiting by then
    EXPECT_TRUE(Run(staff1_, h_.Accept("T1", h_.engine().Now())).ok());
  });
  hotline::v1::EventEnvelope e;
  ASSERT_TRUE(reader->Read(&e));
  EXPECT_EQ(e.sequence(), head + 1);
  EXPECT_TRUE(e.event().has_ticket_accepted());
  writer.join();
  context->TryCancel();
}

TEST_F(ServiceTest, WholeLogReadsAreForTheCentresRoles) {
  hotline::v1::ReportRequest request;
  request.set_month("2022-06");
  hotline::v1::MonthlyReport report;
  EXPECT_EQ(stub_->Report(As(operator_).get(), request, &report).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(stub_->Report(As(auditor_).get(), request, &report).ok());
  auto local = h_.engine().Report({"2022-06"});
  ASSERT_TRUE(local.ok());
  EXPECT_EQ(report.json(), engine::ReportJson(*local));
  hotline::v1::SubscribeRequest subscribe;
  auto context = As(staff1_);
  hotline::v1::EventEnvelope e;
  auto reader = stub_->Subscribe(context.get(), subscribe);
  EXPECT_FALSE(reader->Read(&e));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ServiceTest, UnitStaffSeeTheirOwnUnitsOverdueDeadlines) {
  ReceiveAndDispatch("T1", "U01");
  ReceiveAndDispatch("T2", "U02");
  hotline::v1::SlaRequest request;
  *request.mutable_as_of() = engine::ToProto(h_.engine().Now() + absl::Hours(24 * 30));
  hotline::v1::SlaResponse response;
  ASSERT_TRUE(stub_->Overdue(As(staff1_).get(), request, &response).ok());
  ASSERT_GT(response.deadlines_size(), 0);
  for (const auto& d : response.deadlines()) EXPECT_EQ(d.lead_unit(), "U01");
  request.set_unit_id("U02");
  EXPECT_EQ(stub_->Overdue(As(staff1_).get(), request, &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ServiceTest, ATokenAddedToTheFileWorksAfterAReload) {
  Caller late = AddPrincipal("late", Role::DISPATCHER);
  EXPECT_EQ(GetTicketCode(late, "x"), grpc::StatusCode::UNAUTHENTICATED);
  ASSERT_TRUE(server_->ReloadTokens().ok());
  EXPECT_EQ(GetTicketCode(late, "x"), grpc::StatusCode::NOT_FOUND);
}

TEST_F(ServiceTest, TheServiceFiresDueTimersItself) {
  ReceiveAndDispatch("T1", "U01");
  h_.set_now(h_.engine().Now() + absl::Hours(24 * 3));  // past the accept deadline
  bool missed = false;
  for (int i = 0; i < 100 && !missed; ++i) {
    absl::SleepFor(absl::Milliseconds(50));
    auto history = h_.engine().History("T1");
    ASSERT_TRUE(history.ok());
    missed = history->back().event().has_deadline_missed();
  }
  EXPECT_TRUE(missed) << "no DeadlineMissed within 5 s of the deadline passing";
  EXPECT_THAT(metrics_.Render(), HasSubstr("hotline_timer_firings_total 1\n"));
}

TEST(ServeOptionsTest, ANonLoopbackAddressNeedsTls) {
  EngineHarness h;
  server::ServiceMetrics metrics;
  server::ServeOptions options;
  options.grpc_address = "0.0.0.0:0";
  options.http_address = "127.0.0.1:0";
  options.tokens_path = "/nonexistent";
  auto started = server::HotlineServer::Start(&h.engine(), &metrics, options);
  EXPECT_EQ(started.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(started.status().message(), HasSubstr("TLS"));
  EXPECT_TRUE(server::IsLoopback("127.0.0.1:7345"));
  EXPECT_TRUE(server::IsLoopback("[::1]:7345"));
  EXPECT_FALSE(server::IsLoopback("10.0.0.1:7345"));
}

}  // namespace
}  // namespace hotline::testing
