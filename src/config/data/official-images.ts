/**
 * Docker Official Image names (repositories under `docker.io/library/`), embedded so the bundle
 * needs no data files at run time.
 *
 * Source: docker-library/official-images, the file names of `library/` at commit
 * 37079fb336f572a88700cf32e5e1f6be54a04e8f (144 current images), and the git history of
 * `library/` for the 42 names removed since (deprecated images such as `mono`, `centos`,
 * `java`). Removed names are still genuine: their old tags stay pullable and nobody else can
 * publish under `library/`, so they are never squats of a current name.
 */

/** Names currently in `library/`. */
export const CURRENT_OFFICIAL_IMAGES: readonly string[] = [
  'adminer', 'aerospike', 'almalinux', 'alpine', 'alt', 'amazoncorretto', 'amazonlinux', 'api-firewall',
  'arangodb', 'archlinux', 'azul-zulu', 'backdrop', 'bash', 'bonita', 'buildpack-deps', 'busybox', 'caddy',
  'cassandra', 'chronograf', 'cirros', 'clearlinux', 'clefos', 'clickhouse', 'clojure', 'composer',
  'convertigo', 'couchbase', 'couchdb', 'crate', 'dart', 'debian', 'docker', 'drupal', 'eclipse-mosquitto',
  'eclipse-temurin', 'eggdrop', 'elasticsearch', 'elixir', 'emqx', 'erlang', 'espocrm', 'fedora', 'flink',
  'fluentd', 'friendica', 'gazebo', 'gcc', 'geonetwork', 'ghost', 'golang', 'gradle', 'groovy', 'haproxy',
  'haskell', 'haxe', 'hello-world', 'hitch', 'httpd', 'hylang', 'ibm-semeru-runtimes', 'ibmjava', 'influxdb',
  'irssi', 'jetty', 'joomla', 'jruby', 'julia', 'kapacitor', 'kibana', 'kong', 'krakend', 'lightstreamer',
  'liquibase', 'logstash', 'mageia', 'mariadb', 'matomo', 'maven', 'mediawiki', 'memcached', 'mongo',
  'mongo-express', 'monica', 'mysql', 'nats', 'neo4j', 'neurodebian', 'nextcloud', 'nginx', 'nim', 'node',
  'notary', 'odoo', 'open-liberty', 'openjdk', 'oraclelinux', 'orientdb', 'percona', 'perl', 'photon', 'php',
  'php-zendserver', 'phpmyadmin', 'plone', 'postfixadmin', 'postgres', 'pypy', 'python', 'r-base',
  'rabbitmq', 'rakudo-star', 'redis', 'redmine', 'registry', 'rethinkdb', 'rocket.chat', 'rockylinux', 'ros',
  'ruby', 'rust', 'sapmachine', 'satosa', 'silverpeas', 'solr', 'sonarqube', 'spark', 'spiped', 'storm',
  'swift', 'swipl', 'teamspeak', 'telegraf', 'tomcat', 'tomee', 'traefik', 'ubuntu', 'unit', 'varnish',
  'websphere-liberty', 'wordpress', 'xwiki', 'yourls', 'znc', 'zookeeper',
];

/** Names once in `library/` and since removed (deprecated, but genuine). */
export const REMOVED_OFFICIAL_IMAGES: readonly string[] = [
  'adoptopenjdk', 'celery', 'centos', 'consul', 'couchdb-nouveau', 'crux', 'django', 'docker-dev', 'euleros',
  'express-gateway', 'fsharp', 'glassfish', 'hello-seattle', 'hipache', 'hola-mundo', 'iojs', 'java',
  'jenkins', 'jobber', 'kaazing-gateway', 'known', 'lightstreamer-server', 'mono', 'mosquitto',
  'nats-streaming', 'notary-server', 'notary-signer', 'nuxeo', 'opensuse', 'owncloud', 'piwik', 'rails',
  'rapidoid', 'sentry', 'sl', 'sourcemage', 'swarm', 'thrift', 'ubuntu-debootstrap', 'ubuntu-upstart',
  'vault', 'zend-php',
];
