#include "store/status_macros.h"
#include "tools/hotline/checkpoint_files.h"
#include "tools/hotline/cli.h"
#include "tools/hotline/replication_flags.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/secret_box.h"
#include "engine/time_util.h"

namespace hotline::cli {

absl::StatusOr<Flags> Flags::Parse(const std::vector<std::string>& args,
                                   const std::vector<FlagSpec>& specs,
                                   size_t min_positional, size_t max_positional) {
  std::vector<FlagSpec> all = specs;
  all.push_back({"db", true, ""});
  all.push_back({"master-key-file", true, ""});
  all.push_back({"help", false, ""});
  Flags flags;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (!absl::StartsWith(arg, "--") || arg == "--") {
      flags.positional_.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2);
    std::optional<std::string> value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const FlagSpec* spec = nullptr;
    for (const FlagSpec& s : all) {
      if (s.name == name) spec = &s;
    }
    if (spec == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name));
    }
    if (spec->takes_value && !value.has_value()) {
      if (i + 1 >= args.size()) {
        return absl::InvalidArgumentError(absl::StrCat("--", name, " needs a value"));
      }
      value = args[++i];
    }
    if (!spec->takes_value && value.has_value()) {
      return absl::InvalidArgumentError(absl::StrCat("--", name, " takes no value"));
    }
    flags.values_[name] = value.value_or("");
  }
  if (flags.Has("help")) return flags;
  if (flags.positional_.size() < min_positional ||
      flags.positional_.size() > max_positional) {
    return absl::InvalidArgumentError(
        min_positional == max_positional && min_positional == 0
            ? "takes no arguments"
            : absl::StrCat("expects ", min_positional == max_positional ? "" : "at most ",
                           max_positional, " argument(s), got ", flags.positional_.size()));
  }
  return flags;
}

std::optional<std::string> Flags::Get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

const std::vector<Subcommand>& Subcommands() {
  static const auto* const kAll = new std::vector<Subcommand>{
      ApplyCommand(),  ShowCommand(),   HistoryCommand(), ReportCommand(),
      SlaCommand(),    TimersCommand(), PolicyCommand(),  ExportCommand(),
      ImportCommand(), RebuildCommand(), VerifyCommand(), BackupCommand(), SimulateCommand(),
      StatsCommand(),  ServeCommand(),  TokenCommand(), KeygenCommand(), CheckpointCommand(),
      ProveCommand(), VerifyProofCommand(), FollowCommand(), KeygenMasterCommand(),
      EraseCommand(), ResealCommand()};
  return *kAll;
}

absl::StatusOr<std::unique_ptr<engine::Engine>> OpenEngine(const Flags& flags,
                                                           bool writable, bool backfill) {
  engine::EngineOptions options;
  options.mode = writable ? store::OpenMode::kReadWrite : store::OpenMode::kReadOnly;
  options.backfill = backfill;
  HOTLINE_RETURN_IF_ERROR(SetUpMasterKey(flags, &options));
  if (writable) HOTLINE_RETURN_IF_ERROR(SetUpReplication(flags, &options));
  return engine::Engine::Open(flags.db(), options);
}

absl::Status WriteSecretFile(const std::string& path, absl::string_view bytes) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": cannot be created (it must not exist)"));
  }
  const bool written = write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()) &&
                       fsync(fd) == 0;
  if (close(fd) != 0 || !written) {
    return absl::DataLossError(absl::StrCat(path, ": the key was not written"));
  }
  return absl::OkStatus();
}

absl::Status SetUpMasterKey(const Flags& flags, engine::EngineOptions* options) {
  const std::optional<std::string> path = flags.Get("master-key-file");
  if (!path.has_value()) return absl::OkStatus();
  HOTLINE_ASSIGN_OR_RETURN(std::string key, ReadSmallFile("--master-key-file", *path,
                                                          engine::kSecretKeyBytes));
  if (key.size() != engine::kSecretKeyBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--master-key-file: ", *path, " is not a master key (", engine::kSecretKeyBytes,
        " bytes, as hotline keygen-master writes)"));
  }
  options->master_key = std::move(key);
  return absl::OkStatus();
}

absl::Status RequireFlags(const Flags& flags, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    if (!flags.Has(name)) {
      return absl::InvalidArgumentError(absl::StrCat("--", name, " is required"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<absl::Time> ParseTimeFlag(const Flags& flags, const std::string& name,
                                         const engine::Engine& engine) {
  if (!flags.Has(name)) {
    return absl::InvalidArgumentError(absl::StrCat("--", name, " is required"));
  }
  auto parsed = engine::ParseTime(*flags.Get(name),
                                  engine.directory()->policy().calendar().zone());
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--", name, ": ", parsed.status().message()));
  }
  return parsed;
}

int Usage(const Subcommand& command, const absl::Status& status) {
  std::fprintf(stderr, "hotline %s: %s\nusage: hotline %s (see hotline %s --help)\n",
               command.name.c_str(), std::string(status.message()).c_str(),
               command.usage.c_str(), command.name.c_str());
  return kExitUsage;
}

const Subcommand& FindSubcommand(const std::string& name) {
  for (const Subcommand& c : Subcommands()) {
    if (c.name == name) return c;
  }
  std::abort();  // only called with the caller's own name
}

int Fail(const std::string& name, const absl::Status& status) {
  std::fprintf(stderr, "hotline %s: %s\n", name.c_str(), status.ToString().c_str());
  return kExitFailure;
}

}  // namespace hotline::cli
