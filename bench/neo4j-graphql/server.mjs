// The benchmark's peer: @neo4j/graphql 7 on Apollo Server 5, over the same Neo4j as
// govgraph. No authentication or authorization features are configured (govgraph's are
// off in the benchmark too). Each response carries `extensions.cypherStatements`, the
// statements its request ran, counted at the driver, as govgraph's responses carry theirs.
//
//   NEO4J_URI=bolt://127.0.0.1:7694 PORT=8102 node server.mjs

import { appendFileSync, readFileSync } from "node:fs";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { Neo4jGraphQL } from "@neo4j/graphql";
import neo4j from "neo4j-driver";

const uri = process.env.NEO4J_URI ?? "bolt://127.0.0.1:7687";
const port = Number(process.env.PORT ?? 8102);
const typeDefs = readFileSync(new URL("./typeDefs.graphql", import.meta.url), "utf8");

// The server runs without authentication (dbms.security.auth_enabled=false).
const driver = neo4j.driver(uri, undefined, { maxConnectionPoolSize: 50 });

// With BENCH_CYPHER_LOG=FILE, every statement and its parameters are appended to FILE as
// JSON lines (temporal values as {"$temporal": "ISO text"}), for bench/profile.py.
const cypherLog = process.env.BENCH_CYPHER_LOG;
const plain = (_key, value) =>
  neo4j.isInt(value)
    ? value.toNumber()
    : neo4j.isDate(value) || neo4j.isDateTime(value)
      ? { $temporal: value.toString() }
      : value;

// A driver for one request: the library opens its sessions through it, and every
// statement run in their transactions is counted.
function countingDriver(counter) {
  const counted = (work) => (tx) =>
    work({
      run(query, parameters, config) {
        counter.statements += 1;
        if (cypherLog) {
          appendFileSync(cypherLog, JSON.stringify({ query, parameters }, plain) + "\n");
        }
        return tx.run(query, parameters, config);
      },
    });
  return {
    executeQueryBookmarkManager: driver.executeQueryBookmarkManager,
    session(config) {
      const session = driver.session(config);
      return {
        executeRead: (work, config) => session.executeRead(counted(work), config),
        executeWrite: (work, config) => session.executeWrite(counted(work), config),
        close: () => session.close(),
      };
    },
  };
}

const statementCount = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        if (response.body.kind === "single") {
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, cypherStatements: contextValue.counter.statements };
        }
      },
    };
  },
};

const schema = await new Neo4jGraphQL({ typeDefs, driver }).getSchema();
const server = new ApolloServer({ schema, plugins: [statementCount] });
const { url } = await startStandaloneServer(server, {
  listen: { host: "127.0.0.1", port },
  context: async () => {
    const counter = { statements: 0 };
    return { executionContext: countingDriver(counter), counter };
  },
});
console.log(`@neo4j/graphql peer on ${url} over ${uri}`);
