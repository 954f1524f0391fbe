#pragma once
// The insurer formats Ferry knows: every profile of a directory, chosen for a document by its
// root element's local name and namespace URI. Two profiles may not claim the same root.

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/xml/profile.h"

namespace ferry::xml {

class ProfileSet {
 public:
  ProfileSet() = default;

  // Loads every *.json file of directory, in file name order. Throws ProfileError for the first
  // file that is not a valid profile, and when two profiles claim the same root element.
  static ProfileSet load(const std::filesystem::path& directory);

  // Adds a loaded profile. Throws ProfileError when its root is already claimed or its name
  // is taken.
  void add(Profile profile);

  // The profile for a root element, or nullptr.
  const Profile* match(std::string_view root_local_name, std::string_view root_namespace) const;
  // The profile called name, or nullptr.
  const Profile* find(std::string_view name) const;

  std::size_t size() const { return profiles_.size(); }
  bool empty() const { return profiles_.empty(); }
  // Each profile as "name (root Local in namespace URI)", for messages listing the choices.
  std::string describe() const;

 private:
  std::vector<std::unique_ptr<const Profile>> profiles_;  // pointers stay valid as profiles are added
};

}  // namespace ferry::xml
