#include "store/record.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "absl/strings/str_cat.h"
#include "store/keys.h"

namespace hotline::store {
namespace {

constexpr size_t kFixedBody = kHashBytes + 8 + 8;

void PutLength16(std::string* out, size_t n) {
  out->push_back(static_cast<char>((n >> 8) & 0xff));
  out->push_back(static_cast<char>(n & 0xff));
}

size_t DecodeLength16(const char* p) {
  return (static_cast<uint8_t>(p[0]) << 8) | static_cast<uint8_t>(p[1]);
}

}  // namespace

const std::string& GenesisHash() {
  static const std::string* const kGenesis = new std::string(kHashBytes, '\0');
  return *kGenesis;
}

std::string Sha256(absl::string_view data) {
  // SHA-256 fetched from OpenSSL's provider once: SHA256() and EVP_sha256()
  // look it up on every call, which doubles the cost of a short hash (the
  // Merkle tree hashes 33- and 65-byte inputs).
  static const EVP_MD* const method = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  std::string out(kHashBytes, '\0');
  unsigned char* digest = reinterpret_cast<unsigned char*>(out.data());
  if (method == nullptr ||
      EVP_Digest(data.data(), data.size(), digest, nullptr, method, nullptr) != 1) {
    SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  }
  return out;
}

std::string EncodeRecord(absl::string_view prev_hash, uint64_t sequence,
                         absl::string_view stream_id, uint64_t stream_version,
                         absl::string_view command_id,
                         absl::string_view payload) {
  std::string value;
  value.reserve(kFixedBody + 4 + stream_id.size() + command_id.size() +
                payload.size() + kHashBytes);
  value.append(prev_hash.data(), prev_hash.size());
  PutFixed64BE(&value, sequence);
  PutFixed64BE(&value, stream_version);
  PutLength16(&value, stream_id.size());
  value.append(stream_id.data(), stream_id.size());
  PutLength16(&value, command_id.size());
  value.append(command_id.data(), command_id.size());
  value.append(payload.data(), payload.size());
  value.append(Sha256(value));
  return value;
}

absl::string_view StoredPrevHash(absl::string_view value) {
  return value.substr(0, kHashBytes);
}

absl::string_view StoredHash(absl::string_view value) {
  return value.substr(value.size() - kHashBytes);
}
absl::Status DecodeRecord(absl::string_view value, Record* out) {
  if (value.size() < kFixedBody + 4 + kHashBytes) {
    return absl::DataLossError(
        absl::StrCat("record of ", value.size(), " bytes is too short"));
  }
  const char* p = value.data();
  const size_t body_end = value.size() - kHashBytes;
  out->prev_hash.assign(p, kHashBytes);
  out->sequence = DecodeFixed64BE(p + kHashBytes);
  out->stream_version = DecodeFixed64BE(p + kHashBytes + 8);
  size_t pos = kFixedBody;
  const size_t id_len = DecodeLength16(p + pos);
  pos += 2;
  if (pos + id_len + 2 > body_end) {
    return absl::DataLossError("record stream id length runs past its end");
  }
  out->stream_id.assign(p + pos, id_len);
  pos += id_len;
  const size_t cmd_len = DecodeLength16(p + pos);
  pos += 2;
  if (pos + cmd_len > body_end) {
    return absl::DataLossError("record command id length runs past its end");
  }
  out->command_id.assign(p + pos, cmd_len);
  pos += cmd_len;
  out->payload.assign(p + pos, body_end - pos);
  out->hash.assign(p + body_end, kHashBytes);
  return absl::OkStatus();
}

bool HashMatches(absl::string_view value) {
  if (value.size() < kHashBytes) return false;
  const size_t body = value.size() - kHashBytes;
  return Sha256(value.substr(0, body)) == value.substr(body);
}

}  // namespace hotline::store
