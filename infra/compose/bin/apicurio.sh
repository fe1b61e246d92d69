#!/usr/bin/env bash
# Apicurio Registry in its container: its logins from the template the native
# stack fills (infra/apicurio/application.properties), written into config/ of
# its working directory, where Quarkus reads them, readable by this user only.
# The passwords leave the environment before the registry starts.
set -euo pipefail
source /opt/mdp/bin/lib.sh
for name in SCHEMA_REGISTRY_ADMIN_PASSWORD SCHEMA_REGISTRY_CONNECT_PASSWORD; do
  [[ ${!name:?$name is not set} != change-me* ]] ||
    die "$name still holds .env.example's placeholder: set a secret of your own in .env"
  [[ ${!name} != *[\$\\[:space:]]* ]] || die "$name may not hold a '\$', a backslash or white space"
done
umask 077
mkdir -p config
render /opt/mdp/infra/apicurio/application.properties >config/application.properties
unset SCHEMA_REGISTRY_ADMIN_PASSWORD SCHEMA_REGISTRY_CONNECT_PASSWORD
exec java -Xms128m -Xmx512m -Djava.awt.headless=true -jar /opt/apicurio/quarkus-run.jar
