#include "store/keys.h"

#include "absl/strings/str_cat.h"
#include "store/merkle.h"

namespace hotline::store {

void PutFixed64BE(std::string* out, uint64_t v) {
  char buf[8];
  for (int i = 7; i >= 0; --i) {
    buf[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  out->append(buf, 8);
}

void PutFixed32BE(std::string* out, uint32_t v) {
  char buf[4];
  for (int i = 3; i >= 0; --i) {
    buf[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  out->append(buf, 4);
}

uint64_t DecodeFixed64BE(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

uint32_t DecodeFixed32BE(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

std::string SequenceKey(uint64_t sequence) {
  std::string key;
  PutFixed64BE(&key, sequence);
  return key;
}

std::string StreamKey(absl::string_view stream_id, uint64_t version) {
  std::string key;
  key.reserve(stream_id.size() + 9);
  key.append(stream_id.data(), stream_id.size());
  key.push_back('\0');
  PutFixed64BE(&key, version);
  return key;
}

bool IsStreamKeyOf(absl::string_view key, absl::string_view stream_id) {
  return key.size() == stream_id.size() + 9 && key.substr(0, stream_id.size()) == stream_id &&
         key[stream_id.size()] == '\0';
}

std::string CommandValue(uint64_t first_sequence, uint32_t count) {
  std::string value;
  PutFixed64BE(&value, first_sequence);
  PutFixed32BE(&value, count);
  return value;
}

std::string TreeNodeKey(int level, uint64_t index) {
  return absl::StrCat(kMetaTreeNodePrefix, merkle::NodeKey(level, index));
}

}  // namespace hotline::store
