// Open311 GeoReport v2 and the tokens file, transport-free: the Open311
// component over a harness engine, Principals::Load on hostile files.

#include <fstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/hotline_server.h"
#include "server/open311.h"
#include "tests/engine_harness.h"

namespace hotline::testing {
namespace {

using hotline::v1::Role;
using ::testing::HasSubstr;
using ::testing::Not;

class Open311Test : public ::testing::Test {
 protected:
  void SetUp() override {
    hotline::v1::Policy policy;
    auto* noise = policy.add_categories();
    noise->set_code("noise");
    noise->set_name("噪音扰民");
    noise->set_description("Noise at night");
    h_.PublishPolicy(policy);
    operator_token_ = *server::NewToken();
    dispatcher_token_ = *server::NewToken();
    principals_ = Load({server::PrincipalLine({"li", Role::OPERATOR, ""}, operator_token_),
                              server::PrincipalLine({"zhao", Role::DISPATCHER, ""},
                                                    dispatcher_token_)});
    open311_ = std::make_unique<server::Open311>(server::ServiceContext{
        &h_.engine(), [this] { return principals_; }, &access_, &metrics_, &stopping_});
  }

  std::shared_ptr<const server::Principals> Load(const std::vector<std::string>& lines) {
    const std::string path = dir_.Sub("tokens.jsonl");
    std::ofstream out(path);
    for (const auto& l : lines) out << l << "\n";
    out.close();
    auto loaded = server::Principals::Load(path);
    EXPECT_TRUE(loaded.ok()) << loaded.status();
    return std::make_shared<const server::Principals>(*std::move(loaded));
  }

  server::Open311Params Form(const std::string& key) {
    return {{"api_key", key},        {"service_code", "noise"}, {"lat", "30.66"},
            {"long", "104.06"},      {"description", "夜间施工"}, {"first_name", "Mei"},
            {"last_name", "Zhang"},  {"phone", "13800001111"},  {"email", "mei@example.cn"}};
  }

  EngineHarness h_;
  TempDir dir_;
  std::string operator_token_, dispatcher_token_;
  std::shared_ptr<const server::Principals> principals_;
  server::AccessRecorder access_{&h_.engine()};
  server::ServiceMetrics metrics_;
  std::atomic<bool> stopping_{false};
  std::unique_ptr<server::Open311> open311_;
};

TEST_F(Open311Test, ServicesAreThePolicysCategories) {
  server::Open311Response r = open311_->Services();
  EXPECT_EQ(r.http_status, 200);
  EXPECT_EQ(r.body,
            "[{\"service_code\":\"noise\",\"service_name\":\"噪音扰民\",\"description\":"
            "\"Noise at night\",\"metadata\":false,\"type\":\"realtime\",\"keywords\":\"\","
            "\"group\":\"\"}]");
}

TEST_F(Open311Test, APostedRequestIsAReceiveAndReadsBackWithoutTheCitizen) {
  server::Open311Response posted = open311_->PostRequest(Form(operator_token_));
  ASSERT_EQ(posted.http_status, 200) << posted.body;
  const size_t start = posted.body.find("311-");
  ASSERT_NE(start, std::string::npos);
  const std::string id = posted.body.substr(start, posted.body.find('"', start) - start);
  auto state = h_.engine().GetTicket(id);
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->channel(), hotline::v1::Channel::OPEN311);
  auto history = h_.engine().History(id);
  const auto& received = (*history)[0].event().ticket_received();
  EXPECT_EQ(received.contact().name(), "Mei Zhang");
  EXPECT_EQ(received.contact().first_name(), "Mei");
  EXPECT_EQ(received.contact().last_name(), "Zhang");
  EXPECT_EQ(received.contact().email(), "mei@example.cn");
  EXPECT_TRUE(received.place().has_latitude());
  EXPECT_EQ((*history)[0].actor().id(), "li");

  server::Open311Response got = open311_->GetRequest(id);
  EXPECT_EQ(got.http_status, 200);
  EXPECT_THAT(got.body, HasSubstr("\"status\":\"open\""));
  EXPECT_THAT(got.body, HasSubstr("\"service_name\":\"噪音扰民\""));
  EXPECT_THAT(got.body, HasSubstr("\"lat\":30.66"));
  for (const char* secret : {"Mei", "Zhang", "13800001111", "mei@example.cn", "夜间施工"}) {
    EXPECT_THAT(got.body, Not(HasSubstr(secret)));
  }
  server::Open311Response listed = open311_->GetRequests({{"service_code", "noise"}});
  EXPECT_THAT(listed.body, HasSubstr(id));
  EXPECT_EQ(open311_->GetRequests({{"status", "closed"}}).body, "[]");
}

TEST_F(Open311Test, EachBadRequestHasItsGeoReportError) {
  auto without = [&](const std::string& name) {
    server::Open311Params form = Form(operator_token_);
    form.erase(name);
    return form;
  };
  EXPECT_EQ(open311_->PostRequest(without("api_key")).http_status, 403);
  EXPECT_EQ(open311_->PostRequest(Form(dispatcher_token_)).http_status, 403);
  EXPECT_EQ(open311_->PostRequest(Form("wrong")).http_status, 403);
  server::Open311Params unknown = Form(operator_token_);
  unknown.find("service_code")->second = "potholes";
  EXPECT_EQ(open311_->PostRequest(unknown).http_status, 400);
  server::Open311Params nowhere = without("lat");
  nowhere.erase("long");
  server::Open311Response r = open311_->PostRequest(nowhere);
  EXPECT_EQ(r.http_status, 400);
  EXPECT_THAT(r.body, HasSubstr("[{\"code\":400,\"description\":\""));
  server::Open311Params far = Form(operator_token_);
  far.find("lat")->second = "91";
  EXPECT_EQ(open311_->PostRequest(far).http_status, 400);
  EXPECT_EQ(open311_->PostRequest(without("description")).http_status, 400);
  EXPECT_EQ(open311_->GetRequest("nope").http_status, 404);
  EXPECT_EQ(open311_->GetRequest("$access").http_status, 404);
  EXPECT_EQ(open311_->GetRequests({{"status", "pending"}}).http_status, 400);
  EXPECT_EQ(h_.engine().log().ReadStream("nope").value().size(), 0u);
}

TEST(PrincipalsTest, AHostileTokensFileIsRefusedNamingTheLine) {
  TempDir dir;
  const std::string good = server::PrincipalLine({"li", Role::OPERATOR, ""}, "t1");
  auto load = [&](const std::string& text) {
    std::ofstream(dir.Sub("t")) << text;
    return server::Principals::Load(dir.Sub("t")).status();
  };
  EXPECT_TRUE(load(absl::StrCat("# the centre\n\n", good, "\n")).ok());
  EXPECT_THAT(load(absl::StrCat(good, "\n{not json\n")).message(), HasSubstr("line 2"));
  EXPECT_THAT(load(absl::StrCat(good, "\n", good, "\n")).message(), HasSubstr("twice"));
  EXPECT_THAT(load(server::PrincipalLine({"x", Role::SYSTEM, ""}, "t2")).message(),
              HasSubstr("SYSTEM"));
  EXPECT_THAT(load(server::PrincipalLine({"x", Role::UNIT_STAFF, ""}, "t2")).message(),
              HasSubstr("unitId"));
  EXPECT_THAT(load("{\"tokenSha256\": \"abc\", \"id\": \"x\", \"role\": \"ADMIN\"}").message(),
              HasSubstr("tokenSha256"));
  EXPECT_THAT(load(absl::StrCat(good.substr(0, good.size() - 1), ",\"extra\":1}")).message(),
              HasSubstr("line 1"));
  EXPECT_THAT(load(std::string(1 << 20, 'x')).message(), HasSubstr("over 4096 bytes"));
  EXPECT_EQ(server::Principals::Load(dir.Sub("missing")).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace hotline::testing
