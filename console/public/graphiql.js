// GraphiQL for govgraph: the query, variables and headers kept in the address bar, and a
// bearer token pasted once in the console (sign-in) sent along as a default header.
const EXAMPLE = `# govgraph · Ctrl-Enter runs the query. A token goes in Headers:
# {"Authorization": "Bearer …"} (the console's sign-in sets it for you).
{ region(code: "420600") { name children { nodes { code name } } } }
`;

const params = new URLSearchParams(window.location.search);
function remember(name, value) {
  if (value) params.set(name, value);
  else params.delete(name);
  history.replaceState(null, "", `?${params}`);
}

const token = window.localStorage.getItem("govgraph.token");
const fetcher = GraphiQL.createFetcher({
  url: window.location.href.split("?")[0],
  headers: token ? { Authorization: `Bearer ${token}` } : {},
});

function Page() {
  return React.createElement(GraphiQL, {
    fetcher,
    plugins: [GraphiQLPluginExplorer.explorerPlugin()],
    defaultEditorToolsVisibility: true,
    query: params.get("q") || EXAMPLE,
    variables: params.get("variables") || undefined,
    onEditQuery: (q) => remember("q", q),
    onEditVariables: (v) => remember("variables", v),
    isHeadersEditorEnabled: true,
    inputValueDeprecation: true,
  });
}

ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(Page));
