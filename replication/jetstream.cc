// JetStream over the NATS C client (libnats).
//
// Publishing does not use the client's asynchronous JetStream publish: each
// record is a plain NATS message with a reply subject of our own
// (<inbox>.<round>.<sequence>), so that one round's acknowledgements are told
// apart from a late one of an earlier round, and a record whose
// acknowledgement is a refusal can be checked against what the stream holds.

#include "replication/jetstream.h"

#include <nats/nats.h>

#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "store/record.h"
#include "store/status_macros.h"

namespace hotline::replication {
namespace {

constexpr char kStreamPrefix[] = "HOTLINE_";

int64_t Millis(absl::Duration d) { return std::max<int64_t>(1, absl::ToInt64Milliseconds(d)); }

// The client's status, with the last error it recorded, as UNAVAILABLE.
absl::Status NatsError(absl::string_view what, natsStatus s, jsErrCode js_code = jsErrCode(0)) {
  const char* detail = nats_GetLastError(nullptr);
  return absl::UnavailableError(
      absl::StrCat(what, ": ", natsStatus_GetText(s),
                   js_code != 0 ? absl::StrCat(" (JetStream error ", js_code, ")") : "",
                   detail != nullptr && *detail != '\0' ? absl::StrCat(": ", detail) : ""));
}

// What follows `"key":` in a JetStream JSON reply (whose spacing varies:
// the server writes `"seq":5` in one reply and `"duplicate": true` in
// another), nullopt when the key is absent.
std::optional<absl::string_view> JsonValue(absl::string_view json, absl::string_view key) {
  const std::string needle = absl::StrCat("\"", key, "\"");
  const size_t at = json.find(needle);
  if (at == absl::string_view::npos) return std::nullopt;
  absl::string_view rest = absl::StripLeadingAsciiWhitespace(json.substr(at + needle.size()));
  if (!absl::ConsumePrefix(&rest, ":")) return std::nullopt;
  return absl::StripLeadingAsciiWhitespace(rest);
}

// The number of `"key"`, nullopt when absent or not a number.
std::optional<uint64_t> JsonNumber(absl::string_view json, absl::string_view key) {
  const std::optional<absl::string_view> rest = JsonValue(json, key);
  if (!rest.has_value()) return std::nullopt;
  size_t digits = 0;
  while (digits < rest->size() && absl::ascii_isdigit((*rest)[digits])) ++digits;
  uint64_t number;
  if (digits == 0 || !absl::SimpleAtoi(rest->substr(0, digits), &number)) return std::nullopt;
  return number;
}

// Calls `request` again while it fails with UNAVAILABLE — a server down, a
// stream leader being elected, "JetStream system temporarily unavailable" —
// for up to `limit`, and returns its last answer.
const absl::Status& StatusOf(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& StatusOf(const absl::StatusOr<T>& s) {
  return s.status();
}
template <typename Request>
auto WhileUnavailable(absl::Duration limit, const Request& request) -> decltype(request()) {
  const absl::Time until = absl::Now() + limit;
  for (;;) {
    auto answer = request();
    if (!absl::IsUnavailable(StatusOf(answer)) || absl::Now() >= until) return answer;
    absl::SleepFor(absl::Milliseconds(200));
  }
}

// A record's message id: its sequence and the first 8 bytes of its hash, so
// that a repeat of the record is deduplicated and another record at that
// sequence is not.
std::string MessageId(uint64_t sequence, absl::string_view hash) {
  return absl::StrCat(sequence, ".", absl::BytesToHexString(hash.substr(0, 8)));
}

class NatsStreamReader : public StreamReader {
 public:
  NatsStreamReader(natsSubscription* sub, uint64_t next) : sub_(sub), next_(next) {}
  ~NatsStreamReader() override {
    natsSubscription_Unsubscribe(sub_);
    natsSubscription_Destroy(sub_);
  }

  absl::StatusOr<std::optional<std::pair<uint64_t, std::string>>> Next(
      absl::Duration timeout) override {
    const absl::Time deadline = absl::Now() + timeout;
    for (;;) {
      natsMsg* msg = nullptr;
      const natsStatus s =
          natsSubscription_NextMsg(&msg, sub_, Millis(deadline - absl::Now()));
      if (s == NATS_TIMEOUT) return std::nullopt;
      if (s != NATS_OK) return NatsError("reading the stream", s);
      jsMsgMetaData* meta = nullptr;
      const natsStatus m = natsMsg_GetMetaData(&meta, msg);
      if (m != NATS_OK) {
        natsMsg_Destroy(msg);
        return NatsError("reading a message's position", m);
      }
      const uint64_t sequence = meta->Sequence.Stream;
      jsMsgMetaData_Destroy(meta);
      std::string data(natsMsg_GetData(msg), natsMsg_GetDataLength(msg));
      natsMsg_Destroy(msg);
      if (sequence < next_) continue;  // redelivered after a consumer reset
      if (sequence > next_) {
        return absl::UnavailableError(absl::StrCat("the stream skipped from sequence ", next_,
                                                   " to ", sequence));
      }
      ++next_;
      return std::make_pair(sequence, std::move(data));
    }
  }

 private:
  natsSubscription* const sub_;
  uint64_t next_;
};

}  // namespace

struct JetStream::Connection {
  natsConnection* nc = nullptr;
  jsCtx* js = nullptr;
  natsSubscription* acks = nullptr;  // <inbox>.>: the publish acknowledgements
  std::string inbox;
  // One Publish at a time: they share the acknowledgement subscription
  // (the log's writer publishes one group at a time anyway).
  absl::Mutex publish_mu;
  uint64_t round = 0;
  // This connection's writer session: the last token of the subject its
  // records go to, so the stream tells which session stored each record.
  std::string session;

  ~Connection() {
    if (acks != nullptr) natsSubscription_Destroy(acks);
    if (js != nullptr) jsCtx_Destroy(js);
    if (nc != nullptr) {
      natsConnection_Close(nc);
      natsConnection_Destroy(nc);
    }
  }
};

absl::StatusOr<std::vector<std::string>> ParseServers(absl::string_view list) {
  std::vector<std::string> servers;
  for (absl::string_view url : absl::StrSplit(list, ',', absl::SkipWhitespace())) {
    url = absl::StripAsciiWhitespace(url);
    const size_t colon = url.rfind(':');
    uint32_t port;
    if (!absl::StartsWith(url, "nats://") || url.size() > 512 || colon <= 7 ||
        !absl::SimpleAtoi(url.substr(colon + 1), &port) || port == 0 || port > 65535) {
      return absl::InvalidArgumentError(
          absl::StrCat("--nats: '", url, "' is not nats://HOST:PORT"));
    }
    servers.emplace_back(url);
  }
  if (servers.empty() || servers.size() > 64) {
    return absl::InvalidArgumentError("--nats: give 1 to 64 URLs, separated by commas");
  }
  return servers;
}

std::string LogId(absl::string_view first_hash) {
  return absl::BytesToHexString(first_hash.substr(0, 8));
}
std::string StreamName(absl::string_view log_id) { return absl::StrCat(kStreamPrefix, log_id); }
std::string StreamSubject(absl::string_view log_id) {
  return absl::StrCat("hotline.", log_id, ".events");
}

JetStream::JetStream(const NatsOptions& options, std::unique_ptr<Connection> connection)
    : options_(options), connection_(std::move(connection)) {}

JetStream::~JetStream() = default;

absl::StatusOr<std::unique_ptr<JetStream>> JetStream::Connect(const NatsOptions& options) {
  if (options.replicas < 1 || options.replicas > 5) {
    return absl::InvalidArgumentError("replicas: must be 1 to 5");
  }
  if (options.request_timeout <= absl::ZeroDuration() ||
      options.publish_deadline < options.request_timeout) {
    return absl::InvalidArgumentError(
        "request_timeout must be positive and publish_deadline at least as long");
  }
  natsOptions* opts = nullptr;
  natsStatus s = natsOptions_Create(&opts);
  if (s != NATS_OK) return NatsError("creating the NATS options", s);
  std::vector<const char*> urls;
  for (const std::string& url : options.servers) urls.push_back(url.c_str());
  // A hung server (a paused process, a frozen VM) is noticed within about
  // three seconds by missed pings, then the client moves to another member.
  if (s == NATS_OK) s = natsOptions_SetServers(opts, urls.data(), static_cast<int>(urls.size()));
  if (s == NATS_OK) s = natsOptions_SetTimeout(opts, Millis(options.request_timeout));
  if (s == NATS_OK) s = natsOptions_SetPingInterval(opts, 1000);
  if (s == NATS_OK) s = natsOptions_SetMaxPingsOut(opts, 2);
  if (s == NATS_OK) s = natsOptions_SetMaxReconnect(opts, -1);
  if (s == NATS_OK) s = natsOptions_SetReconnectWait(opts, 100);
  if (s == NATS_OK) s = natsOptions_SetName(opts, "hotline");
  auto connection = std::make_unique<Connection>();
  if (s == NATS_OK) s = natsConnection_Connect(&connection->nc, opts);
  natsOptions_Destroy(opts);
  if (s != NATS_OK) return NatsError("connecting to NATS", s);

  jsOptions js_opts;
  jsOptions_Init(&js_opts);
  js_opts.Wait = Millis(options.request_timeout);
  s = natsConnection_JetStream(&connection->js, connection->nc, &js_opts);
  if (s != NATS_OK) return NatsError("opening JetStream", s);
  natsInbox* inbox = nullptr;
  s = natsInbox_Create(&inbox);
  if (s != NATS_OK) return NatsError("creating an inbox", s);
  connection->inbox = inbox;
  natsInbox_Destroy(inbox);
  // The inbox's unique part ("_INBOX.<nuid>") names the session.
  connection->session = connection->inbox.substr(connection->inbox.rfind('.') + 1);
  s = natsConnection_SubscribeSync(&connection->acks, connection->nc,
                                   absl::StrCat(connection->inbox, ".>").c_str());
  if (s != NATS_OK) return NatsError("subscribing to acknowledgements", s);
  // A group may be large: its acknowledgements must not count as a slow
  // consumer's dropped messages.
  natsSubscription_SetPendingLimits(connection->acks, -1, -1);
  return std::unique_ptr<JetStream>(new JetStream(options, std::move(connection)));
}

absl::StatusOr<uint64_t> JetStream::LastSequence(absl::string_view log_id) {
  return WhileUnavailable(options_.publish_deadline, [&]() -> absl::StatusOr<uint64_t> {
    jsStreamInfo* info = nullptr;
    jsErrCode code = jsErrCode(0);
    const natsStatus s =
        js_GetStreamInfo(&info, connection_->js, StreamName(log_id).c_str(), nullptr, &code);
    if (s == NATS_NOT_FOUND || code == JSStreamNotFoundErr) {
      return absl::NotFoundError(absl::StrCat("no stream ", StreamName(log_id)));
    }
    if (s != NATS_OK) return NatsError(absl::StrCat("looking up ", StreamName(log_id)), s, code);
    const uint64_t last = info->State.LastSeq;
    jsStreamInfo_Destroy(info);
    return last;
  });
}

absl::Status JetStream::CreateStream(absl::string_view log_id) {
  return WhileUnavailable(options_.publish_deadline, [&]() -> absl::Status {
    const std::string name = StreamName(log_id), subject = absl::StrCat(StreamSubject(log_id), ".>");
    const char* subjects[] = {subject.c_str()};
    jsStreamConfig config;
    jsStreamConfig_Init(&config);
    config.Name = name.c_str();
    config.Subjects = subjects;
    config.SubjectsLen = 1;
    config.Storage = js_FileStorage;
    config.Replicas = options_.replicas;
    // A record of government is never deleted: not a message, not the stream's
    // contents.
    config.DenyDelete = true;
    config.DenyPurge = true;
    jsStreamInfo* info = nullptr;
    jsErrCode code = jsErrCode(0);
    const natsStatus s = js_AddStream(&info, connection_->js, &config, nullptr, &code);
    if (info != nullptr) jsStreamInfo_Destroy(info);
    if (s == NATS_OK) return absl::OkStatus();
    if (code != JSStreamNameExistErr) return NatsError(absl::StrCat("creating ", name), s, code);
    // A stream of that name with another configuration (an earlier
    // build's): this writer's records would never reach it.
    jsStreamInfo* existing = nullptr;
    const natsStatus found =
        js_GetStreamInfo(&existing, connection_->js, name.c_str(), nullptr, &code);
    if (found != NATS_OK) return NatsError(absl::StrCat("looking up ", name), found, code);
    const bool same =
        existing->Config->SubjectsLen == 1 && subject == existing->Config->Subjects[0];
    jsStreamInfo_Destroy(existing);
    if (same) return absl::OkStatus();
    return absl::FailedPreconditionError(absl::StrCat(
        "stream ", name, " exists but does not take subject ", subject,
        " (made by an earlier build?); see docs/replication.md"));
  });
}

size_t JetStream::MaxRecordBytes() const {
  constexpr int64_t kHeaderRoom = 1024;  // message id, expectations, framing
  const int64_t max = natsConnection_GetMaxPayload(connection_->nc);
  return max > kHeaderRoom ? static_cast<size_t>(max - kHeaderRoom) : 0;
}

absl::StatusOr<std::vector<std::string>> JetStream::LogIds() {
  return WhileUnavailable(options_.publish_deadline, [&]() -> absl::StatusOr<std::vector<std::string>> {
    jsStreamNamesList* list = nullptr;
    jsErrCode code = jsErrCode(0);
    const natsStatus s = js_StreamNames(&list, connection_->js, nullptr, &code);
    std::vector<std::string> ids;
    if (s == NATS_NOT_FOUND) return ids;
    if (s != NATS_OK) return NatsError("listing the streams", s, code);
    for (int i = 0; i < list->Count; ++i) {
      absl::string_view name = list->List[i];
      if (absl::StartsWith(name, kStreamPrefix)) {
        ids.emplace_back(name.substr(strlen(kStreamPrefix)));
      }
    }
    jsStreamNamesList_Destroy(list);
    return ids;
  });
}

absl::StatusOr<std::string> JetStream::Get(absl::string_view log_id, uint64_t sequence) {
  return WhileUnavailable(options_.publish_deadline, [&] { return GetOnce(log_id, sequence); });
}

absl::StatusOr<std::string> JetStream::GetOnce(absl::string_view log_id, uint64_t sequence) {
  natsMsg* msg = nullptr;
  jsErrCode code = jsErrCode(0);
  const natsStatus s =
      js_GetMsg(&msg, connection_->js, StreamName(log_id).c_str(), sequence, nullptr, &code);
  if (code == JSNoMessageFoundErr) {
    return absl::NotFoundError(
        absl::StrCat(StreamName(log_id), " has no record at sequence ", sequence));
  }
  // The stream itself missing (a cluster recovering, the wrong cluster) says
  // nothing of the record: not NOT_FOUND, which callers take as "absent".
  if (s != NATS_OK) {
    return NatsError(absl::StrCat("reading sequence ", sequence, " of ", StreamName(log_id)), s,
                     code);
  }
  std::string data(natsMsg_GetData(msg), natsMsg_GetDataLength(msg));
  natsMsg_Destroy(msg);
  return data;
}

absl::Status JetStream::CheckStored(absl::string_view log_id, uint64_t sequence,
                                    absl::string_view record) {
  HOTLINE_ASSIGN_OR_RETURN(std::string stored, GetOnce(log_id, sequence));
  if (stored == record) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "fenced: ", StreamName(log_id), " holds another writer's record at sequence ", sequence,
      "; this writer accepts no more commands (its later records are not in the stream: "
      "hotline follow --drop-unreplicated removes them)"));
}

absl::Status JetStream::Publish(absl::string_view log_id, uint64_t first_sequence,
                                const std::vector<std::string>& records) {
  absl::MutexLock lock(&connection_->publish_mu);
  absl::Status published = PublishAll(log_id, first_sequence, records);
  // A writer whose publish failed writes no more (the error is sticky): what
  // the client still buffers (it buffers while reconnecting) must not reach
  // the stream later, after another writer has taken over.
  if (!published.ok()) natsConnection_Close(connection_->nc);
  return published;
}

absl::Status JetStream::PublishAll(absl::string_view log_id, uint64_t first_sequence,
                                   const std::vector<std::string>& records) {
  const absl::Time deadline = absl::Now() + options_.publish_deadline;
  size_t confirmed = 0;
  bool alone = false;
  absl::Status last_error;
  while (confirmed < records.size()) {
    absl::StatusOr<Round> round = PublishRound(log_id, first_sequence, records, confirmed, alone);
    alone = false;
    if (round.ok()) {
      if (round->confirmed > confirmed) {
        confirmed = round->confirmed;
        continue;
      }
      if (round->predecessor_id_refused) {
        // The stream has forgotten its last message id (a server restarted
        // after the deduplication window): send the next record alone with
        // the last-sequence check, once the record before it in the stream
        // is read back as the one it chains to.
        absl::Status chained = CheckPredecessor(log_id, first_sequence + confirmed,
                                                records[confirmed]);
        if (absl::IsFailedPrecondition(chained)) return chained;
        alone = chained.ok();
      }
    } else if (absl::IsFailedPrecondition(round.status())) {
      return round.status();  // fenced
    } else {
      last_error = round.status();
    }
    if (absl::Now() >= deadline) {
      return absl::UnavailableError(absl::StrCat(
          "replication: ", StreamName(log_id), " did not acknowledge sequences ",
          first_sequence + confirmed, "..", first_sequence + records.size() - 1, " within ",
          absl::FormatDuration(options_.publish_deadline),
          last_error.ok() ? "" : absl::StrCat(" (", last_error.message(), ")"),
          "; whether it holds them is unknown"));
    }
    if (!alone) absl::SleepFor(absl::Milliseconds(100));
  }
  return absl::OkStatus();
}

absl::Status JetStream::CheckPredecessor(absl::string_view log_id, uint64_t sequence,
                                         absl::string_view record) {
  HOTLINE_ASSIGN_OR_RETURN(const uint64_t last, LastSequence(log_id));
  if (last != sequence - 1 || sequence == 1) {
    return absl::UnavailableError("the stream is not where the record follows");
  }
  HOTLINE_ASSIGN_OR_RETURN(const std::string previous, GetOnce(log_id, sequence - 1));
  if (previous.size() < store::kHashBytes ||
      store::StoredHash(previous) != store::StoredPrevHash(record)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "fenced: ", StreamName(log_id), " holds another writer's record at sequence ",
        sequence - 1, "; this writer accepts no more commands"));
  }
  return absl::OkStatus();
}

absl::StatusOr<JetStream::Round> JetStream::PublishRound(
    absl::string_view log_id, uint64_t first_sequence, const std::vector<std::string>& records,
    size_t from, bool alone) {
  Connection& c = *connection_;
  const std::string subject = absl::StrCat(StreamSubject(log_id), ".", c.session);
  const std::string prefix = absl::StrCat(c.inbox, ".", ++c.round, ".");
  const size_t end = alone ? from + 1 : records.size();
  for (size_t i = from; i < end; ++i) {
    const uint64_t sequence = first_sequence + i;
    // Records are sent without waiting for the one before to be confirmed,
    // so the last sequence alone cannot fence: a writer refused at k (another
    // writer's k is there) would see its k + 1 accepted after it. Each record
    // also names its predecessor's message id, which carries the hash: the
    // stream takes it only after the very record it chains to. (JetStream
    // 2.9 checks that at apply time, in order; its per-subject check runs
    // against applied state before the proposal and refuses pipelined
    // records falsely.)
    natsMsg* msg = nullptr;
    natsStatus s = natsMsg_Create(&msg, subject.c_str(), absl::StrCat(prefix, sequence).c_str(),
                                  records[i].data(), static_cast<int>(records[i].size()));
    if (s == NATS_OK) {
      s = natsMsgHeader_Set(msg, "Nats-Msg-Id",
                            MessageId(sequence, store::StoredHash(records[i])).c_str());
    }
    if (s == NATS_OK) {
      s = natsMsgHeader_Set(msg, "Nats-Expected-Last-Sequence",
                            absl::StrCat(sequence - 1).c_str());
    }
    if (s == NATS_OK && sequence > 1 && !alone) {
      s = natsMsgHeader_Set(msg, "Nats-Expected-Last-Msg-Id",
                            MessageId(sequence - 1, store::StoredPrevHash(records[i])).c_str());
    }
    if (s == NATS_OK) s = natsConnection_PublishMsg(c.nc, msg);
    natsMsg_Destroy(msg);
    // Disconnected meanwhile: what was sent is collected below, the rest
    // goes in the next round.
    if (s != NATS_OK) break;
  }
  std::vector<bool> stored(records.size(), false);
  // The lowest record answered with a refusal or as a duplicate, and how.
  std::optional<size_t> refused;
  bool refused_for_predecessor = false;
  size_t answered = 0;
  const absl::Time until = absl::Now() + options_.request_timeout;
  while (answered < end - from && absl::Now() < until) {
    natsMsg* reply = nullptr;
    const natsStatus s = natsSubscription_NextMsg(&reply, c.acks, Millis(until - absl::Now()));
    if (s == NATS_TIMEOUT) break;
    if (s != NATS_OK) return NatsError("reading acknowledgements", s);
    const std::string reply_subject = natsMsg_GetSubject(reply);  // a copy: freed below
    const std::string body(natsMsg_GetData(reply), natsMsg_GetDataLength(reply));
    const bool no_responders = natsMsg_IsNoResponders(reply);
    natsMsg_Destroy(reply);
    uint64_t sequence;
    if (!absl::StartsWith(reply_subject, prefix) ||
        !absl::SimpleAtoi(absl::string_view(reply_subject).substr(prefix.size()), &sequence) ||
        sequence < first_sequence + from || sequence >= first_sequence + end) {
      continue;  // an earlier round's late acknowledgement
    }
    const size_t i = sequence - first_sequence;
    ++answered;
    if (no_responders || body.empty()) continue;  // no stream leader right now
    const std::optional<uint64_t> error = JsonNumber(body, "err_code");
    const std::optional<absl::string_view> duplicate_value = JsonValue(body, "duplicate");
    const bool duplicate = duplicate_value.has_value() && absl::StartsWith(*duplicate_value, "true");
    if (!error.has_value() && !duplicate && JsonNumber(body, "seq") == sequence) {
      stored[i] = true;
    } else if ((duplicate || error == uint64_t{JSStreamWrongLastSequenceErr} ||
                error == uint64_t{JSStreamWrongLastMsgIDErr}) &&
               (!refused.has_value() || i < *refused)) {
      refused = i;
      refused_for_predecessor = error == uint64_t{JSStreamWrongLastMsgIDErr};
    }
  }
  Round round{from, false};
  while (round.confirmed < end && stored[round.confirmed]) ++round.confirmed;
  // A repeat the stream had taken before (deduplicated, or refused as not
  // following its last record) counts if the stream holds this very record
  // there; another record there is another writer's. Read back once a
  // round, for the first record not confirmed: the records chain, so the
  // rest follow it.
  if (refused.has_value() && *refused == round.confirmed) {
    const absl::Status check =
        CheckStored(log_id, first_sequence + *refused, records[*refused]);
    if (absl::IsFailedPrecondition(check)) return check;
    if (check.ok()) {
      stored[*refused] = true;
      while (round.confirmed < end && stored[round.confirmed]) ++round.confirmed;
    } else {
      round.predecessor_id_refused = refused_for_predecessor && absl::IsNotFound(check);
    }
  }
  return round;
}

absl::StatusOr<std::unique_ptr<StreamReader>> JetStream::Read(absl::string_view log_id,
                                                              uint64_t from_sequence) {
  HOTLINE_RETURN_IF_ERROR(LastSequence(log_id).status());
  const std::string name = StreamName(log_id);
  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = name.c_str();
  so.Ordered = true;
  so.Config.DeliverPolicy = js_DeliverByStartSequence;
  so.Config.OptStartSeq = from_sequence;
  natsSubscription* sub = nullptr;
  jsErrCode code = jsErrCode(0);
  const natsStatus s = js_SubscribeSync(&sub, connection_->js,
                                        absl::StrCat(StreamSubject(log_id), ".>").c_str(),
                                        nullptr, &so, &code);
  if (s != NATS_OK) return NatsError(absl::StrCat("reading ", name), s, code);
  // Up to 64 MiB of records may wait for the reader.
  natsSubscription_SetPendingLimits(sub, 1 << 20, 64 << 20);
  return std::unique_ptr<StreamReader>(new NatsStreamReader(sub, from_sequence));
}

}  // namespace hotline::replication
