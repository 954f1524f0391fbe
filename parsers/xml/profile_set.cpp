#include "parsers/xml/profile_set.h"

#include <algorithm>

namespace ferry::xml {

ProfileSet ProfileSet::load(const std::filesystem::path& directory) {
  std::error_code ec;
  if (!std::filesystem::is_directory(directory, ec)) {
    throw ProfileError(directory.string(), 0, "", "the profile directory does not exist");
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  ProfileSet set;
  for (const auto& file : files) set.add(Profile::load(file));
  return set;
}

void ProfileSet::add(Profile profile) {
  for (const auto& known : profiles_) {
    if (known->name() == profile.name()) {
      throw ProfileError(profile.source(), 0, "name",
                         "profile name '" + profile.name() + "' is already used by " + known->source());
    }
    if (known->rootName() == profile.rootName() && known->rootNamespace() == profile.rootNamespace()) {
      throw ProfileError(profile.source(), 0, "root",
                         "root element '" + profile.rootName() + "' in namespace '" +
                             profile.rootNamespace() + "' is already claimed by profile '" +
                             known->name() + "' (" + known->source() + ")");
    }
  }
  profiles_.push_back(std::make_unique<const Profile>(std::move(profile)));
}

const Profile* ProfileSet::match(std::string_view root_local_name,
                                 std::string_view root_namespace) const {
  for (const auto& profile : profiles_) {
    if (profile->rootName() == root_local_name && profile->rootNamespace() == root_namespace) {
      return profile.get();
    }
  }
  return nullptr;
}

const Profile* ProfileSet::find(std::string_view name) const {
  for (const auto& profile : profiles_) {
    if (profile->name() == name) return profile.get();
  }
  return nullptr;
}

std::string ProfileSet::describe() const {
  if (profiles_.empty()) return "none";
  std::string text;
  for (const auto& profile : profiles_) {
    if (!text.empty()) text += "; ";
    text += profile->name() + " (root " + profile->rootName() + " in namespace " +
            (profile->rootNamespace().empty() ? "(none)" : profile->rootNamespace()) + ")";
  }
  return text;
}

}  // namespace ferry::xml
