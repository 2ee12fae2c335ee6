// Event versions (engine/upcasters.h): each released upcaster's output is
// pinned here and never changes; every type reads from each of its
// versions; a version newer than this build's is refused naming the type
// and version, by every reader and by import; new events are written in the
// current version only.

#include <fstream>
#include <string>

#include "engine/event_codec.h"
#include "engine/upcasters.h"
#include "gmock/gmock.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "tests/engine_harness.h"

namespace hotline::engine {
namespace {

using ::testing::HasSubstr;
using hotline::v1::Event;
using hotline::v1::EventEnvelope;

std::string Text(const google::protobuf::Message& m) {
  std::string text;
  google::protobuf::TextFormat::PrintToString(m, &text);
  return text;
}

// Released 2026-12-01. Never edit the expected text: a log written with
// version 1 must read like this forever.
TEST(UpcastersTest, TicketReceivedV1ToV2IsPinned) {
  hotline::v1::TicketReceived v1;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(R"pb(
    channel: PHONE appeal_type: COMPLAINT category: "噪音" urgency: NORMAL
    title: "夜间施工" content: "楼上漏水" location: "文化路12号"
    citizen { name: "王五" phone: "13900001111" email: "wang@example.cn" }
    point { latitude: 30.66 longitude: 104.06 }
    media_url: "https://example.cn/p.jpg")pb", &v1));
  TicketReceivedV1ToV2(&v1);
  EXPECT_EQ(Text(v1),
            "channel: PHONE\n"
            "appeal_type: COMPLAINT\n"
            "category: \"\\345\\231\\252\\351\\237\\263\"\n"
            "urgency: NORMAL\n"
            "title: \"\\345\\244\\234\\351\\227\\264\\346\\226\\275\\345\\267\\245\"\n"
            "content: \"\\346\\245\\274\\344\\270\\212\\346\\274\\217\\346\\260\\264\"\n"
            "media_url: \"https://example.cn/p.jpg\"\n"
            "place {\n"
            "  address: \"\\346\\226\\207\\345\\214\\226\\350\\267\\25712\\345\\217\\267\"\n"
            "  latitude: 30.66\n"
            "  longitude: 104.06\n"
            "}\n"
            "contact {\n"
            "  name: \"\\347\\216\\213\\344\\272\\224\"\n"
            "  phone: \"13900001111\"\n"
            "  email: \"wang@example.cn\"\n"
            "}\n");

  // Without a location, point or citizen: nothing to move.
  hotline::v1::TicketReceived bare;
  bare.set_title("t");
  TicketReceivedV1ToV2(&bare);
  EXPECT_EQ(Text(bare), "title: \"t\"\n");
}

TEST(UpcastersTest, EveryTypeReadsFromEachOfItsVersions) {
  const google::protobuf::OneofDescriptor* payload =
      Event::descriptor()->FindOneofByName("payload");
  for (int i = 0; i < payload->field_count(); ++i) {
    EventEnvelope envelope;
    const google::protobuf::FieldDescriptor* field = payload->field(i);
    envelope.mutable_event()->GetReflection()->MutableMessage(envelope.mutable_event(), field);
    const int current = CurrentVersion(envelope.event());
    for (int version = 1; version <= current; ++version) {
      EventEnvelope copy = envelope;
      copy.set_schema_version(version);
      EXPECT_TRUE(Upcast(&copy).ok()) << field->name() << " version " << version;
      EXPECT_EQ(copy.schema_version(), current);
    }
  }
  EventEnvelope received;
  received.mutable_event()->mutable_ticket_received();
  EXPECT_EQ(CurrentVersion(received.event()), 2);
}

TEST(UpcastersTest, ANewerVersionIsRefusedNamingTheTypeAndVersion) {
  EventEnvelope e;
  e.set_sequence(42);
  e.mutable_event()->mutable_ticket_received()->set_title("t");
  e.set_schema_version(3);
  absl::Status s = Upcast(&e);
  EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
  EXPECT_THAT(s.message(), HasSubstr("sequence 42"));
  EXPECT_THAT(s.message(), HasSubstr("TicketReceived version 3"));

  e.mutable_event()->mutable_unit_registered()->set_unit_id("U1");
  e.set_schema_version(2);
  s = Upcast(&e);
  EXPECT_THAT(s.message(), HasSubstr("UnitRegistered version 2"));

  // Through the store's reader too.
  store::Record record;
  record.sequence = 42;
  record.stream_id = "T-1";
  record.stream_version = 1;
  e.set_schema_version(3);
  e.mutable_event()->mutable_ticket_received();
  record.payload = StorePayload(e);
  EventEnvelope read;
  EXPECT_TRUE(absl::IsFailedPrecondition(DecodeEvent(record, &read)));
  EXPECT_TRUE(DecodeStoredEvent(record, &read).ok());  // as written, for export

  e.set_schema_version(0);
  EXPECT_TRUE(absl::IsDataLoss(Upcast(&e)));
}

TEST(UpcastersTest, NewEventsAreWrittenInTheCurrentVersionOnly) {
  testing::EngineHarness h;
  const absl::Time at = testing::Shanghai("2022-06-30 10:00");
  h.Must(h.Receive("T-1", at));
  auto stream = h.engine().log().ReadStream("T-1");
  ASSERT_TRUE(stream.ok());
  EventEnvelope written;
  ASSERT_TRUE(DecodeStoredEvent((*stream)[0], &written).ok());
  EXPECT_EQ(written.schema_version(), 2);
  const hotline::v1::TicketReceived& r = written.event().ticket_received();
  EXPECT_TRUE(r.location().empty());
  EXPECT_FALSE(r.has_citizen());
  EXPECT_FALSE(r.has_point());
  EXPECT_EQ(r.contact().name(), "王五");
  EXPECT_EQ(r.contact().phone(), "13900001111");

  // A command with both forms of a place is refused.
  hotline::v1::Command both = h.Receive("T-2", at);
  both.mutable_receive()->mutable_place()->set_address("文化路12号");
  both.mutable_receive()->set_location("文化路12号");
  EXPECT_TRUE(absl::IsInvalidArgument(h.Execute(both).status()));
}

TEST(UpcastersTest, ImportRefusesAnExportWithANewerVersion) {
  testing::EngineHarness h(testing::Shanghai("2022-06-30 12:00"), true, nullptr,
                           /*seed=*/false);
  testing::TempDir dir;
  const std::string path = dir.Sub("newer.bin");
  {
    EventEnvelope e;
    e.set_sequence(1);
    e.set_stream_id("T-1");
    e.set_stream_version(1);
    e.set_schema_version(3);
    e.mutable_event()->mutable_ticket_received()->set_title("from a later release");
    std::ofstream file(path, std::ios::binary);
    google::protobuf::io::OstreamOutputStream raw(&file);
    google::protobuf::io::CodedOutputStream coded(&raw);
    coded.WriteVarint32(static_cast<uint32_t>(e.ByteSizeLong()));
    e.SerializeWithCachedSizes(&coded);
  }
  absl::Status s = h.engine().Import(path, /*binary=*/true);
  EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
  EXPECT_THAT(s.message(), HasSubstr("TicketReceived version 3"));
  EXPECT_EQ(h.head(), 0u);
}

}  // namespace
}  // namespace hotline::engine
