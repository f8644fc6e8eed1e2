// ScamTrace: draws a cluster's graph (reports and the values they share) with the vendored
// cytoscape.js, from the JSON the page embeds in #graph-data. Without JavaScript the page's
// tables carry the same information.
(function () {
  'use strict';
  var holder = document.getElementById('graph');
  var source = document.getElementById('graph-data');
  if (!holder || !source) {
    return;
  }
  if (typeof window.cytoscape !== 'function') {
    holder.setAttribute('data-state', 'unavailable');
    return;
  }
  var graph = JSON.parse(source.textContent);
  holder.textContent = '';
  // cytoscape.js adds a <style> element unless one with this id exists; the stylesheet already
  // positions the container, and the Content Security Policy refuses inline style anyway.
  if (!document.getElementById('__________cytoscape_stylesheet')) {
    var marker = document.createElement('meta');
    marker.id = '__________cytoscape_stylesheet';
    document.head.appendChild(marker);
  }
  var cy = window.cytoscape({
    container: holder,
    elements: graph.nodes.concat(graph.edges),
    style: [
      {
        selector: 'node',
        style: {
          'label': 'data(label)',
          'font-size': 9,
          'color': '#1b1f24',
          'text-valign': 'bottom',
          'text-margin-y': 3,
          'background-color': '#0b5cad',
          'width': 18,
          'height': 18
        }
      },
      {
        selector: 'node[kind = "report"]',
        style: {
          'shape': 'round-rectangle',
          'background-color': '#4a5561',
          'width': 10,
          'height': 10,
          'font-size': 7,
          'color': '#4a5561'
        }
      },
      {
        selector: 'node[?links][kind != "report"]',
        style: { 'shape': 'diamond', 'background-color': '#b3470b', 'width': 22, 'height': 22 }
      },
      {
        selector: 'node[!links][kind != "report"]',
        style: { 'shape': 'ellipse', 'background-color': '#ffffff', 'border-width': 2, 'border-color': '#4a5561', 'border-style': 'dashed' }
      },
      {
        selector: 'node[kind = "partner"]',
        style: { 'shape': 'hexagon', 'background-color': '#5b2a86', 'border-width': 0, 'width': 26, 'height': 26, 'font-size': 10, 'color': '#5b2a86' }
      },
      {
        selector: 'edge',
        style: { 'width': 1, 'line-color': '#c9d1da', 'curve-style': 'haystack' }
      },
      {
        selector: ':selected',
        style: { 'border-width': 3, 'border-color': '#ffbf47' }
      }
    ],
    layout: { name: 'cose', animate: false, randomize: true, fit: true, padding: 24, nodeRepulsion: 40000, idealEdgeLength: 70, gravity: 0.4, numIter: 1500 }
  });
  cy.on('tap', 'node', function (event) {
    var href = event.target.data('href');
    if (href) {
      window.location.assign(href);
    }
  });
  holder.setAttribute('data-nodes', String(cy.nodes().length));
  holder.setAttribute('data-edges', String(cy.edges().length));
  holder.setAttribute('data-state', 'drawn');
})();
