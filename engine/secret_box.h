#ifndef HOTLINE_ENGINE_SECRET_BOX_H_
#define HOTLINE_ENGINE_SECRET_BOX_H_

// The symmetric cryptography of personal data (docs/personal-data.md), over
// OpenSSL: AES-256-GCM sealing, HKDF-SHA256 key derivation, HMAC-SHA256,
// and random bytes from the operating system's generator.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hotline::engine {

inline constexpr size_t kSecretKeyBytes = 32;  // AES-256, HMAC and master keys
inline constexpr size_t kSealNonceBytes = 12;
inline constexpr size_t kSealTagBytes = 16;
// What Seal adds to its plaintext.
inline constexpr size_t kSealOverheadBytes = kSealNonceBytes + kSealTagBytes;

// `n` bytes from the system's cryptographic generator; INTERNAL when it
// fails.
absl::StatusOr<std::string> RandomBytes(size_t n);

// HKDF-SHA256 of `master` (no salt) with `label` as its info: a 32-byte key
// for one purpose, independent of the keys of other labels.
absl::StatusOr<std::string> DeriveKey(absl::string_view master, absl::string_view label);

// HMAC-SHA256 under one key, set up once (OpenSSL's one-shot HMAC() looks
// the algorithm up again on every call). Copyable; thread-safe.
class KeyedHash {
 public:
  // INTERNAL when OpenSSL fails.
  static absl::StatusOr<KeyedHash> Make(absl::string_view key);
  // The 32-byte HMAC-SHA256 of `data`.
  absl::StatusOr<std::string> Hash(absl::string_view data) const;

 private:
  struct State;
  explicit KeyedHash(std::shared_ptr<const State> state) : state_(std::move(state)) {}
  std::shared_ptr<const State> state_;
};

// `plaintext` sealed under the 32-byte `key` with a fresh random nonce and
// `aad` authenticated alongside: nonce || ciphertext || tag.
absl::StatusOr<std::string> Seal(absl::string_view key, absl::string_view plaintext,
                                 absl::string_view aad);

// The plaintext of Seal's output; DATA_LOSS when `sealed` was not sealed
// under `key` with `aad` (or was altered), INVALID_ARGUMENT when too short.
absl::StatusOr<std::string> Open(absl::string_view key, absl::string_view sealed,
                                 absl::string_view aad);

}  // namespace hotline::engine

#endif  // HOTLINE_ENGINE_SECRET_BOX_H_
