/* caucasus-kg: draws the network whose data the page holds as JSON in #ckg-data.
   Data is parsed with JSON.parse and shown through vis-network (canvas labels, text tooltips)
   or textContent: never innerHTML. */
(function () {
  "use strict";
  var holder = document.getElementById("ckg-data");
  var container = document.getElementById("ckg-network");
  if (!holder || !container || typeof vis === "undefined") { return; }
  var data = JSON.parse(holder.textContent);
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var state = { nodes: nodes, edges: edges, network: null, drawn: false, stabilized: false, firstDraw: null };
  window.ckg = state;
  if (data.nodes.length === 0) { state.drawn = state.stabilized = true; document.body.setAttribute("data-drawn", "1"); return; }

  var physics = data.options.physics && data.options.physics.enabled;
  var progress = document.getElementById("ckg-progress");
  // Listeners go on before the data, so that the first draw is never missed.
  var network = new vis.Network(container, {}, data.options);
  state.network = network;
  window.network = network;
  network.once("afterDrawing", function () {
    state.drawn = true;
    state.firstDraw = performance.now();
    document.body.setAttribute("data-drawn", "1");
  });
  function settled() {
    if (physics) { network.setOptions({ physics: { enabled: false } }); }
    network.fit({ animation: false });
    state.stabilized = true;
    if (progress) { progress.hidden = true; }
    document.body.setAttribute("data-stabilized", "1");
  }
  if (physics) {
    if (progress) { progress.hidden = false; }
    network.once("stabilizationIterationsDone", settled);
  }
  network.on("click", function (params) {
    if (params.nodes.length !== 1) { return; }
    var node = nodes.get(params.nodes[0]);
    // Only same-site paths built by the server: never another scheme or host.
    if (node && typeof node.url === "string" && /^\/(?![\/\\])/.test(node.url)) { window.location.assign(node.url); }
  });
  network.on("hoverNode", function (params) {
    var node = nodes.get(params.node);
    container.style.cursor = node && node.url ? "pointer" : "default";
  });
  network.on("blurNode", function () { container.style.cursor = "default"; });
  network.setData({ nodes: nodes, edges: edges });
  if (!physics) { settled(); }
})();
